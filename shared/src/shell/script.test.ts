import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../test-support/index.ts';
import { runShell } from './run-shell.ts';
import { useShells } from '../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-script');
const shells = useShells(zk);

const masterWorkerScript = fileURLToPath(new URL('./fixtures/master-worker.zk', import.meta.url));

const watcher = (type: string, path: string): string =>
  `\nWATCHER::\n\nWatchedEvent state:SyncConnected type:${type} path:${path}\n`;
const deprecatedLs = "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.\n";

/** Both output streams of runShell into one transcript, as a terminal would show them. */
function terminal(): { stream: NodeJS.WritableStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('script mode', () => {
  it("replays the book's master–worker walkthrough as a transcript", async () => {
    await (await shells.open()).run('create /book');
    const screen = terminal();
    const server = `${zk.connectString}/book`;
    const status = await runShell({
      connectString: server,
      file: masterWorkerScript,
      stdin: new PassThrough(),
      stdout: screen.stream,
      stderr: screen.stream,
    });
    expect(status).toBe(0);
    const prompt = (n: number): string => `[zk: <zk>(CONNECTED) ${n}] `;
    expect(screen.text().split(server).join('<zk>')).toBe(
      [
        '\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n',
        `${prompt(0)}create -e /master "master1.example.com:2223"\n`,
        'Created /master\n',
        `${prompt(1)}ls /\n`,
        '[master]\n',
        `${prompt(2)}get /master\n`,
        'master1.example.com:2223\n',
        `${prompt(3)}create /workers ""\n`,
        'Created /workers\n',
        `${prompt(4)}create /tasks ""\n`,
        'Created /tasks\n',
        `${prompt(5)}create /assign ""\n`,
        'Created /assign\n',
        `${prompt(6)}ls /\n`,
        '[assign, master, tasks, workers]\n',
        `${prompt(7)}ls /workers true\n`,
        deprecatedLs,
        '[]\n',
        `${prompt(8)}ls /tasks true\n`,
        deprecatedLs,
        '[]\n',
        `${prompt(9)}create -e /workers/worker1.example.com "worker1.example.com:2224"\n`,
        watcher('NodeChildrenChanged', '/workers'),
        'Created /workers/worker1.example.com\n',
        `${prompt(10)}create /assign/worker1.example.com ""\n`,
        'Created /assign/worker1.example.com\n',
        `${prompt(11)}ls /assign/worker1.example.com true\n`,
        deprecatedLs,
        '[]\n',
        `${prompt(12)}create -s /tasks/task- "cmd"\n`,
        watcher('NodeChildrenChanged', '/tasks'),
        'Created /tasks/task-0000000000\n',
        `${prompt(13)}ls /tasks/task-0000000000 true\n`,
        deprecatedLs,
        '[]\n',
        `${prompt(14)}ls /tasks\n`,
        '[task-0000000000]\n',
        `${prompt(15)}ls /workers\n`,
        '[worker1.example.com]\n',
        `${prompt(16)}create /assign/worker1.example.com/task-0000000000 ""\n`,
        watcher('NodeChildrenChanged', '/assign/worker1.example.com'),
        'Created /assign/worker1.example.com/task-0000000000\n',
        `${prompt(17)}ls /assign/worker1.example.com\n`,
        '[task-0000000000]\n',
        `${prompt(18)}create /tasks/task-0000000000/status "done"\n`,
        watcher('NodeChildrenChanged', '/tasks/task-0000000000'),
        'Created /tasks/task-0000000000/status\n',
        `${prompt(19)}get /tasks/task-0000000000\n`,
        'cmd\n',
        `${prompt(20)}get /tasks/task-0000000000/status\n`,
        'done\n',
      ].join(''),
    );
    // The script's session has ended: its ephemerals (master, worker) are gone, the rest stays.
    const after = await shells.open();
    await after.run('sync /');
    expect((await after.run('ls /book')).stdout).toBe('[assign, tasks, workers]\n');
    expect((await after.run('ls /book/workers')).stdout).toBe('[]\n');
  });

  it('hands mastership over: the backup watches /master and takes it when the primary leaves', async () => {
    const primary = await shells.open();
    const backup = await shells.open();
    await primary.run('create /election');
    await primary.run('create -e /election/master "master1.example.com:2223"');
    expect(await backup.run('create -e /election/master "master2.example.com:2223"')).toMatchObject({
      status: 1,
      stderr: 'Node already exists: /election/master\n',
    });
    expect((await backup.run('stat -w /election/master')).status).toBe(0);
    await primary.run('quit');
    await eventually(() => expect(backup.transcript()).toContain(watcher('NodeDeleted', '/election/master')));
    expect((await backup.run('create -e /election/master "master2.example.com:2223"')).stdout).toBe(
      'Created /election/master\n',
    );
  });

  it('reads a script from stdin, carries on after errors by default, or stops with stopOnError', async () => {
    const script = 'create /piped\n# a comment\ncreate /piped\nls /piped\n';
    const run = async (stopOnError: boolean): Promise<{ status: number; text: string }> => {
      const screen = terminal();
      const stdin = new PassThrough();
      stdin.end(script);
      const status = await runShell({
        connectString: zk.connectString,
        stopOnError,
        stdin,
        stdout: screen.stream,
        stderr: screen.stream,
      });
      return { status, text: screen.text() };
    };
    const carryOn = await run(false);
    expect(carryOn.status).toBe(1);
    expect(carryOn.text).toContain('Created /piped\n');
    expect(carryOn.text).toContain('] create /piped\nNode already exists: /piped\n');
    expect(carryOn.text).toMatch(/\] ls \/piped\n\[\]\n$/);
    const stopped = await run(true);
    expect(stopped.status).toBe(1);
    expect(stopped.text).toMatch(/Node already exists: \/piped\n$/);
  });
});
