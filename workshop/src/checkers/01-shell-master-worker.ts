import { readFile } from 'node:fs/promises';
import type { Stat, WatchedEvent } from '@zk-cookbook/core/client';
import { Shell } from '@zk-cookbook/core/shell';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { waitFor } from '../waiting.ts';

const TASK_NAME = /^task-\d{10}$/;

/**
 * Exercise 1 is a shell script, not a module: the checker runs it line by line in one shell session
 * (as `zk-cookbook shell --file` does), then inspects the tree while that session is still open, and
 * again after it is closed.
 */
export async function checkShellMasterWorker(context: CheckContext): Promise<void> {
  let lines: string[] = [];
  await context.check('the script file reads', async () => {
    lines = (await readFile(context.modulePath, 'utf8')).split('\n');
  });
  if (lines.length === 0) return;

  const shell = new Shell({ connectString: context.connectString, sessionTimeoutMs: 10_000 });
  const admin = await context.connect();
  const notifications: WatchedEvent[] = [];
  try {
    if (!(await shell.connect()))
      throw new CheckFailure(`the shell could not connect to ${context.connectString}`);
    shell.session.client?.on('notification', (event) => notifications.push(event));
    const shellSession = shell.session.client?.sessionId ?? 0n;
    const stat = (path: string): Promise<Stat | null> => admin.exists(path);
    const children = async (path: string): Promise<string[]> =>
      (await stat(path)) ? (await admin.getChildren(path)).children : [];

    await context.check('every command of the script succeeds', async () => {
      const failures: string[] = [];
      for (const [index, line] of lines.entries()) {
        // quit would end the session, and with it the ephemerals this checker wants to see.
        if (line.trim() === 'quit') break;
        const result = await shell.executeLine(line);
        if (result.status !== 0)
          failures.push(`line ${index + 1}: ${line.trim()}\n  → ${result.text.trim()}`);
      }
      if (failures.length > 0) throw new CheckFailure(failures.join('\n'));
    });

    // The script wrote through the shell's client, maybe to a server ahead of the checker's.
    await admin.sync('/');
    await context.check("/master is an ephemeral node of the script's session", async () => {
      const master = await stat('/master');
      if (!master)
        throw new CheckFailure(
          'no /master: the master takes the lead with `create -e /master "<its address>"`',
        );
      if (master.ephemeralOwner !== shellSession) {
        throw new CheckFailure('/master is not ephemeral: use create -e, so it goes when the master dies');
      }
      if (master.dataLength === 0)
        throw new CheckFailure("/master is empty: store the master's address in it");
    });

    await context.check('/workers, /tasks and /assign exist as persistent nodes', async () => {
      for (const path of ['/workers', '/tasks', '/assign']) {
        const parent = await stat(path);
        if (!parent) throw new CheckFailure(`no ${path}: create the three parents as persistent nodes`);
        if (parent.ephemeralOwner !== 0n)
          throw new CheckFailure(`${path} is ephemeral: ephemerals cannot have children`);
      }
    });
    const parents = '/workers, /tasks and /assign exist as persistent nodes';

    let worker = '';
    await context.check(
      'a worker is registered: an ephemeral under /workers, and its /assign/<worker>',
      async () => {
        const registered = await children('/workers');
        worker = registered[0] ?? '';
        if (!worker)
          throw new CheckFailure('nothing under /workers: a worker registers with create -e /workers/<name>');
        if ((await stat(`/workers/${worker}`))!.ephemeralOwner === 0n) {
          throw new CheckFailure(
            `/workers/${worker} is persistent: a dead worker must disappear (create -e)`,
          );
        }
        if (!(await stat(`/assign/${worker}`)))
          throw new CheckFailure(`no /assign/${worker} for its assignments`);
      },
      { needs: [parents] },
    );
    const workerRegistered = 'a worker is registered: an ephemeral under /workers, and its /assign/<worker>';

    let task = '';
    await context.check(
      'a task is submitted as a sequential node under /tasks',
      async () => {
        task = (await children('/tasks')).find((name) => TASK_NAME.test(name)) ?? '';
        if (!task) {
          throw new CheckFailure(
            `no task-<10 digits> under /tasks (it holds: ${(await children('/tasks')).join(', ') || 'nothing'}). ` +
              'A client submits with create -s /tasks/task- "<command>": the server numbers it.',
          );
        }
      },
      { needs: [parents] },
    );
    const submitted = 'a task is submitted as a sequential node under /tasks';

    await context.check(
      'the master assigned the task and the worker reported it done',
      async () => {
        if (!(await stat(`/assign/${worker}/${task}`))) {
          throw new CheckFailure(`no /assign/${worker}/${task}: the master assigns by creating it`);
        }
        const status = await stat(`/tasks/${task}/status`);
        if (!status)
          throw new CheckFailure(
            `no /tasks/${task}/status: the worker reports with create /tasks/${task}/status "done"`,
          );
        const data = (await admin.getData(`/tasks/${task}/status`)).data.toString('utf8');
        if (data !== 'done') throw new CheckFailure(`/tasks/${task}/status holds "${data}", not "done"`);
      },
      { needs: [workerRegistered, submitted] },
    );

    await context.check(
      "the book's watches were set before the changes they wait for",
      async () => {
        const expected = ['/workers', '/tasks', `/assign/${worker}`, `/tasks/${task}`];
        const fired = (path: string): boolean =>
          notifications.some((event) => event.type === 'childrenChanged' && event.path === path);
        await waitFor(() => (expected.every(fired) ? true : undefined), {
          timeoutMs: 2_000,
          hint: () =>
            `no NodeChildrenChanged event for ${expected.filter((path) => !fired(path)).join(', ')}. Set each ` +
            'watch (ls <path> true, or ls -w <path>) BEFORE the change: the master watches /workers and /tasks, ' +
            'the worker its /assign node, the client its task (for the status child).',
        });
      },
      { needs: ['the master assigned the task and the worker reported it done'] },
    );

    await context.check(
      "closing the script's session removes its ephemerals and nothing else",
      async () => {
        await shell.close({ quietly: true });
        await admin.sync('/');
        for (const path of ['/master', `/workers/${worker}`]) {
          if (await stat(path)) throw new CheckFailure(`${path} outlived the session that created it`);
        }
        if (!(await stat(`/tasks/${task}/status`)))
          throw new CheckFailure('persistent nodes went with the session');
      },
      { needs: ['the master assigned the task and the worker reported it done'] },
    );
  } finally {
    await shell.close({ quietly: true });
  }
}
