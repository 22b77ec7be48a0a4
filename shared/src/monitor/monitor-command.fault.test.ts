import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { register } from '../cli/commands/monitor.ts';
import { FourLetterClient } from '../fourletter/index.ts';
import { eventually } from '../../test-support/index.ts';

const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

describe('zk-cookbook monitor', () => {
  it('--local starts an ensemble, serves the dashboard with fault controls, and cleans up on Ctrl-C', async () => {
    const cli = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        main,
        'monitor',
        '--local',
        '--servers',
        '1',
        '--observers',
        '0',
        '--tick-time',
        '200',
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    const output: string[] = [];
    createInterface({ input: cli.stdout }).on('line', (line) => output.push(line));
    createInterface({ input: cli.stderr }).on('line', (line) => output.push(line));

    const url = await eventually(
      () => {
        const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output.join('\n'));
        if (!match) throw new Error(`no dashboard URL yet:\n${output.join('\n')}`);
        return match[1]!;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const ensemble = await eventually(async () => {
      const body = (await (await fetch(`${url}/api/ensemble`)).json()) as {
        controls: boolean;
        members: { mode: string }[];
      };
      expect(body.members.map((member) => member.mode)).toEqual(['standalone']);
      return body;
    });
    expect(ensemble.controls).toBe(true);
    const server = FourLetterClient.forAddress(
      /^Monitoring (127\.0\.0\.1:\d+)$/m.exec(output.join('\n'))![1]!,
    );
    expect(await server.ruok()).toBe(true);

    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.join('\n')).toMatch(/SIGINT: stopping the monitor and the ensemble\.\.\.\nStopped\./);
    // The JVM is gone, not merely disconnected: nothing listens on its port any more.
    await expect(server.ruok()).rejects.toMatchObject({ reason: 'refused' });
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('refuses to start without anything to monitor, with two things, or with controls on a network address', async () => {
    const saved = process.env.ZK_CONNECT;
    delete process.env.ZK_CONNECT;
    try {
      for (const [args, message] of [
        [
          ['monitor'],
          'monitor: nothing to monitor; pass --connect host:port,..., set ZK_CONNECT, or use --local',
        ],
        [['monitor', '--local', '--connect', 'a:1'], 'monitor: use either --local or --connect, not both'],
        // The fault buttons have no authentication: not on a network address unless asked for.
        [
          ['monitor', '--local', '--host', '0.0.0.0'],
          'monitor: --local serves kill/pause/resume/restart buttons without authentication; refusing to expose them on 0.0.0.0',
        ],
        [
          ['monitor', '--local', '--host', '192.168.1.20', '--servers', '1'],
          'refusing to expose them on 192.168.1.20',
        ],
      ] as const) {
        const program = new Command('zk-cookbook');
        register(program);
        const errors: string[] = [];
        for (const command of [program, ...program.commands]) {
          command.exitOverride().configureOutput({ writeErr: (text) => errors.push(text) });
        }
        await expect(program.parseAsync([...args], { from: 'user' })).rejects.toThrow(message);
        expect(errors.join('')).toContain(message);
      }
    } finally {
      if (saved !== undefined) process.env.ZK_CONNECT = saved;
    }
  });
});
