import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../src/index.ts';
import { getJson } from './support.ts';

/**
 * The pattern as a reader runs it: `npx zk-cookbook run cluster-management` (against this file's
 * chroot of the shared ensemble, through ZK_CONNECT) starts two coordinators and three collectors as
 * processes; the demo's sources are spread over the collectors; on Ctrl-C every process ends
 * gracefully and exits 0, leaving the group.
 */
const zk = useZooKeeper('cluster-management-run');
const CLI = fileURLToPath(new URL('../../../shared/bin/zk-cookbook.js', import.meta.url));
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: PATTERN_DIRECTORY,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

describe('npx zk-cookbook run cluster-management', () => {
  it('starts two coordinators and three collectors, spreads the demo sources, and stops them all on Ctrl-C', async () => {
    const { child, output } = run([CLI, 'run', 'cluster-management'], { ZK_CONNECT: zk.connectString });
    const urls = await eventually(
      () => {
        expect(output()).toContain('Press Ctrl-C to stop everything.');
        const found = [
          ...output().matchAll(/^\s*((?:coordinator|collector)-\d)\s+(http:\/\/127\.0\.0\.1:\d+)/gm),
        ];
        return Object.fromEntries(found.map((match) => [match[1]!, match[2]!]));
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(Object.keys(urls).sort()).toEqual([
      'collector-1',
      'collector-2',
      'collector-3',
      'coordinator-1',
      'coordinator-2',
    ]);
    expect(output()).toContain(`collectors and their sources: ${urls['coordinator-1']}/`);

    await eventually(
      async () => {
        const { body } = await getJson<ClusterSnapshot>(`${urls['coordinator-2']}/api/cluster`);
        expect(body.sources).toHaveLength(10);
        expect(Object.keys(body.assignment.collectors).sort()).toEqual([
          'collector-1',
          'collector-2',
          'collector-3',
        ]);
        const shares = Object.values(body.assignment.collectors).map((sources) => sources.length);
        expect(shares.sort()).toEqual([3, 3, 4]);
        for (const id of ['collector-1', 'collector-2', 'collector-3']) {
          const { body: status } = await getJson<{ working: string[] }>(`${urls[id]}/api/status`);
          expect(status.working).toEqual(body.assignment.collectors[id]);
        }
      },
      { timeoutMs: 30_000 },
    );

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output()).toContain('Stopped.\n');
    expect(output()).not.toContain('not a graceful exit');
    expect(code).toBe(0);
    // Every machine left the group (and closed its session): no member node, no claim is left.
    const reader = await zk.connect();
    await reader.sync('/cluster-management');
    expect((await reader.getChildren('/cluster-management/machines')).children).toEqual([]);
    expect((await reader.getChildren('/cluster-management/claims')).children).toEqual([]);
  }, 150_000);

  it('a service with a missing setting exits 1 and says which', async () => {
    const { child, output } = run(
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/coordinator-main.ts'],
      { ZK_CONNECT: '', ASSIGNMENT_STRATEGY: 'round-robin' },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output()).toContain('ZK_CONNECT is required');
    expect(output()).toContain('ASSIGNMENT_STRATEGY');
  }, 60_000);
});
