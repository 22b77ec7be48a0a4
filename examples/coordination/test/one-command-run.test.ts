import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { childrenOrNone, eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardView } from '../src/index.ts';
import { getJson } from './support.ts';
import { killAll, spawnInPattern, startWorkerProcess } from './worker-process.ts';

/**
 * The pattern as a reader runs it: `npx zk-cookbook run coordination` (against this file's chroot of
 * the shared ensemble, through ZK_CONNECT) starts the monitor and three workers as processes; on
 * Ctrl-C every one stops gracefully and exits 0.
 */
const zk = useZooKeeper('coordination-run');
const CLI = fileURLToPath(new URL('../../../shared/bin/zk-cookbook.js', import.meta.url));

const started: ChildProcess[] = [];
afterEach(() => killAll(started));

const run = (args: string[], env: Record<string, string>) =>
  spawnInPattern(args, { LOG_LEVEL: 'warn', ...env }, started);

describe('npx zk-cookbook run coordination', () => {
  it('starts the monitor and three workers, one RUNNING, and stops them all gracefully on Ctrl-C', async () => {
    const { child, output } = run([CLI, 'run', 'coordination'], { ZK_CONNECT: zk.connectString });
    const urls = await eventually(
      () => {
        expect(output()).toContain('Press Ctrl-C to stop everything.');
        const found = [
          ...output().matchAll(/^\s*(task-monitor-1|worker-\d)\s+(http:\/\/127\.0\.0\.1:\d+)/gm),
        ];
        return Object.fromEntries(found.map((match) => [match[1]!, match[2]!]));
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(Object.keys(urls).sort()).toEqual(['task-monitor-1', 'worker-1', 'worker-2', 'worker-3']);
    const monitor = urls['task-monitor-1']!;
    expect(output()).toContain(`workers, task and barrier rounds: ${monitor}/`);
    // The demo's pace is 10 records a second: progress shows within a few seconds.
    await eventually(
      async () => {
        const { body } = await getJson<BoardView>(`${monitor}/api/workers`);
        expect(body.workers.map((worker) => [worker.instanceId, worker.liveness])).toEqual([
          ['worker-1', 'alive'],
          ['worker-2', 'alive'],
          ['worker-3', 'alive'],
        ]);
        expect(body.workers.filter((worker) => worker.heartbeat?.state === 'RUNNING')).toHaveLength(1);
        expect(body.task.checkpoint?.offset).toBeGreaterThanOrEqual(10);
        expect(body.task.total).toBe(600);
      },
      { timeoutMs: 30_000 },
    );

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output()).toContain('Stopped.\n');
    expect(output()).not.toContain('not a graceful exit');
    expect(code).toBe(0);
    const reader = await zk.connect();
    await reader.sync('/coordination');
    // The group is a container: emptied, the servers may already have removed it.
    expect(await childrenOrNone(reader, '/coordination/workers')).toEqual([]);
    // Each said goodbye first, so a monitor would have shown "left", not "dead".
    expect((await reader.getChildren('/coordination/departures')).children.sort()).toEqual([
      'worker-1',
      'worker-2',
      'worker-3',
    ]);
  }, 120_000);

  it('a RUNNING worker steps down on SIGTERM, exits 0, and a standby carries on at once', async () => {
    const env = { ZK_CONNECT: zk.connectString, TASK: 'sigterm', RECORDS_PER_SECOND: '50' };
    const first = await startWorkerProcess('worker-a', env, started);
    await eventually(async () => expect((await first.status()).role).toBe('RUNNING'), { timeoutMs: 20_000 });
    const second = await startWorkerProcess('worker-b', env, started);
    await eventually(async () => expect((await second.status()).role).toBe('STANDBY'), { timeoutMs: 20_000 });
    const sentAt = Date.now();
    first.child.kill('SIGTERM');
    const [code] = (await once(first.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    // Leadership is handed over by deleting the latch node, not by waiting for a session to expire.
    await eventually(async () => expect((await second.status()).role).toBe('RUNNING'), { intervalMs: 20 });
    expect(Date.now() - sentAt).toBeLessThan(5_000);
  }, 90_000);

  it('a service with a wrong setting exits 1 and says which', async () => {
    const { child, output } = run(
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/worker-main.ts'],
      { ZK_CONNECT: zk.connectString, BATCH_SIZE: 'many' },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output()).toContain('BATCH_SIZE');
  }, 60_000);
});
