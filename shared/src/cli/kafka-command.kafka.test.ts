import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client/index.ts';
import { isProcessAlive } from '../ensemble/index.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('zk-cookbook kafka', () => {
  it('runs a cluster on an ensemble of its own until SIGINT, printing the bootstrap list, then cleans up', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', main, 'kafka', '--brokers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    const output: string[] = [];
    const lines = createInterface({ input: cli.stdout });
    lines.on('line', (line) => output.push(line));
    await Promise.race([
      new Promise((resolve) => lines.on('line', (line) => line.includes('Ctrl-C') && resolve(undefined))),
      exited.then((code) => {
        throw new Error(`the CLI exited with ${code} before the cluster was up:\n${output.join('\n')}`);
      }),
    ]);

    const text = output.join('\n');
    const bootstrap = /^bootstrap servers: (\S+)$/m.exec(text)?.[1] ?? '';
    const zooKeeperConnect = /^zookeeper\.connect: (\S+)$/m.exec(text)?.[1] ?? '';
    const pid = Number(/^broker 1 {2}\S+ {2}pid (\d+)$/m.exec(text)?.[1]);
    expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(zooKeeperConnect).toMatch(/^127\.0\.0\.1:\d+\/kafka$/);
    expect(text).toMatch(/^controller: broker 1, epoch \d+/m);
    expect(isProcessAlive(pid)).toBe(true);

    // What the CLI printed is what the broker registered.
    const zooKeeper = await ZooKeeperClient.connect(zooKeeperConnect);
    try {
      const { data } = await zooKeeper.getData('/brokers/ids/1');
      expect((JSON.parse(data.toString('utf8')) as { endpoints: string[] }).endpoints).toEqual([
        `PLAINTEXT://${bootstrap}`,
      ]);
    } finally {
      await zooKeeper.close();
    }

    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.join('\n')).toMatch(/SIGINT: stopping the cluster\.\.\.\nStopped\./);
    expect(isProcessAlive(pid)).toBe(false);
  });
});
