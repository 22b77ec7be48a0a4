import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../ensemble/index.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = promisify(execFile);

describe('zk-cookbook ensemble and status', () => {
  it('runs an ensemble until SIGINT, which status reports, then cleans up', async () => {
    const cli = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'ensemble', '--servers', '1', '--tick-time', '200'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    const output: string[] = [];
    const lines = createInterface({ input: cli.stdout });
    lines.on('line', (line) => output.push(line));
    await Promise.race([
      new Promise((resolve) => lines.on('line', (line) => line.includes('Ctrl-C') && resolve(undefined))),
      exited.then((code) => {
        throw new Error(`the CLI exited with ${code} before the ensemble was up:\n${output.join('\n')}`);
      }),
    ]);

    const connect = /^connect string: (\S+)$/m.exec(output.join('\n'))?.[1] ?? '';
    const pid = Number(
      /^1\s+participant\s+\S+\s+\d+\s+\d+\s+standalone\s+(\d+)$/m.exec(output.join('\n'))?.[1],
    );
    expect(connect).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(isProcessAlive(pid)).toBe(true);

    const status = await run(process.execPath, ['--import', 'tsx', main, 'status'], {
      env: { ...process.env, ZK_CONNECT: connect },
    });
    expect(status.stdout).toMatch(new RegExp(`^${connect}\\s+standalone\\s+0x0\\s+`, 'm'));

    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.join('\n')).toMatch(/SIGINT: stopping the ensemble\.\.\.\nStopped\./);
    expect(isProcessAlive(pid)).toBe(false);

    const down = await run(process.execPath, ['--import', 'tsx', main, 'status', '--connect', connect]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(down).toMatchObject({ code: 1 });
    expect(down.stdout).toMatch(new RegExp(`^${connect}\\s+down\\s+-`, 'm'));
  });
});
