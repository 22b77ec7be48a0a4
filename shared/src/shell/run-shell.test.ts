import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '../../test-support/index.ts';
import { runShell, type RunShellOptions } from './run-shell.ts';

const zk = useZooKeeper('shell-one-shot');

/** runShell in one-shot mode with captured output. */
async function oneShot(
  command: string[],
  options: Partial<RunShellOptions> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const capture = (): { stream: PassThrough; text: () => string } => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    return { stream, text: () => text };
  };
  const stdout = capture();
  const stderr = capture();
  const status = await runShell({
    connectString: zk.connectString,
    command,
    stdin: new PassThrough(),
    stdout: stdout.stream,
    stderr: stderr.stream,
    ...options,
  });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

describe('one-shot mode', () => {
  it("prints only the command's output and exits 0 on success", async () => {
    expect(await oneShot(['create', '-e', '/one', 'data'])).toEqual({
      status: 0,
      stdout: 'Created /one\n',
      stderr: '',
    });
    await oneShot(['create', '/kept', 'hello world']);
    expect(await oneShot(['get', '-w', '/kept'])).toEqual({ status: 0, stdout: 'hello world\n', stderr: '' });
    // The first shell's session ended with its command: its ephemeral is gone.
    expect((await oneShot(['ls', '/'])).stdout).toBe('[kept]\n');
  });

  it('exits 1 with the zkCli message when the command fails', async () => {
    expect(await oneShot(['get', '/missing'])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'Node does not exist: /missing\n',
    });
    expect(await oneShot(['ls'])).toEqual({ status: 1, stdout: '', stderr: 'ls [-s] [-w] [-R] path\n' });
  });

  it('exits 127 for an unknown command, without needing a server', async () => {
    const result = await oneShot(['bogus'], { connectString: '127.0.0.1:1', connectTimeoutMs: 200 });
    expect(result.status).toBe(127);
    expect(result.stderr).toMatch(/Command not found: bogus\n$/);
    expect(await oneShot(['version'], { connectString: '127.0.0.1:1' })).toMatchObject({ status: 0 });
  });

  it('exits 1 when no server answers within the connect timeout', async () => {
    expect(await oneShot(['ls', '/'], { connectString: '127.0.0.1:1', connectTimeoutMs: 300 })).toEqual({
      status: 1,
      stdout: '',
      stderr: 'Unable to connect to 127.0.0.1:1: no session within the connect timeout\n',
    });
  });

  it('exits 1 when a script file cannot be read', async () => {
    expect(await oneShot([], { file: '/nonexistent/script.zk' })).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^cannot read script \/nonexistent\/script\.zk: ENOENT/),
    });
  });
});

describe('zk-cookbook shell (the real CLI)', () => {
  const repository = fileURLToPath(new URL('../../../', import.meta.url));
  const cli = (args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'shared/src/cli/main.ts', 'shell', ...args],
        {
          cwd: repository,
          timeout: 50_000,
          env: { ...process.env, ZK_CONNECT: '', ZK_COOKBOOK_HISTORY: '' },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin!.end(input ?? '');
    });

  // Two processes side by side: starting the CLI through tsx is the slow part of this file.
  it(
    'runs one command with zkCli-style flags, and a piped script that ends with quit',
    { timeout: 60_000 },
    async () => {
      await oneShot(['create', '/cli']);
      await oneShot(['create', '/cli/node', 'x']);
      const [failed, piped] = await Promise.all([
        cli(['-server', zk.connectString, 'delete', '-v', '5', '/cli/node']),
        cli(['--server', zk.connectString], 'create -s /cli/n- x\nquit\nls /\n'),
      ]);
      expect(failed).toMatchObject({ code: 1, stdout: '', stderr: 'version No is not valid : /cli/node\n' });
      expect(piped.code).toBe(0);
      expect(piped.stdout).toContain('] create -s /cli/n- x\nCreated /cli/n-0000000001\n');
      expect(piped.stdout).toMatch(
        /\] quit\n\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n$/,
      );
    },
  );
});
