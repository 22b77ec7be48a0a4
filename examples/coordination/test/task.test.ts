import { isZooKeeperError } from '@zk-cookbook/core/client';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CoordinationError,
  commitBatch,
  readCheckpoint,
  startWorker,
  taskLayout,
  type RunningWorker,
  type WorkerStatus,
} from '../src/index.ts';
import { expectExactlyOnceInOrder, getJson, quietLogger, readOutput, shippedRecords } from './support.ts';

/**
 * The task on the shared ensemble: one RUNNING instance, the others STANDBY; the output holds
 * every record once, in order; a hand-over continues from the checkpoint; and the checkpoint's
 * version fences off a commit made from an old read — what a paused instance would send on waking.
 */
const zk = useZooKeeper('coordination-task');
const ROOT = '/coordination';

const workers: RunningWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
});

async function startWorkers(
  count: number,
  options: { task: string; records: number; batchSize: number; recordsPerSecond: number },
): Promise<RunningWorker[]> {
  const started = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startWorker({
        connectString: zk.connectString,
        instanceId: `worker-${index + 1}`,
        records: shippedRecords(options.records),
        task: options.task,
        batchSize: options.batchSize,
        recordsPerSecond: options.recordsPerSecond,
        logger: quietLogger,
      }),
    ),
  );
  workers.push(...started);
  return started;
}

const statusOf = async (worker: RunningWorker): Promise<WorkerStatus> =>
  (await getJson<WorkerStatus>(`${worker.url}/status`)).body;

describe('one logical task, several instances', () => {
  it('exactly one instance is RUNNING and the output gets every record once, in order', async () => {
    const started = await startWorkers(3, {
      task: 'all-at-once',
      records: 150,
      batchSize: 10,
      recordsPerSecond: 0,
    });
    const reader = await zk.connect();
    const layout = taskLayout(ROOT, 'all-at-once');
    await eventually(
      async () => {
        const statuses = await Promise.all(started.map(statusOf));
        expect(statuses.filter((status) => status.role === 'RUNNING')).toHaveLength(1);
        expect(statuses.filter((status) => status.role === 'STANDBY')).toHaveLength(2);
        const checkpoint = await readCheckpoint(reader, layout);
        expect(checkpoint.checkpoint.offset).toBe(150);
        // 150 records in batches of 10: one version per commit
        expect(checkpoint.version).toBe(15);
      },
      { timeoutMs: 20_000 },
    );
    const terms = expectExactlyOnceInOrder(await readOutput(reader, layout), shippedRecords(150));
    expect(terms).toHaveLength(1);
    const running = (await Promise.all(started.map(statusOf))).find((status) => status.role === 'RUNNING')!;
    expect(running.appliedByUs).toBe(150);
    expect(running.token).toBe(terms[0]);
    expect((await fetch(`${started[0]!.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${started[0]!.url}/metrics`)).text();
    expect(metrics).toContain('coordination_records_applied_total');
  });

  it('a standby takes over from the checkpoint when the running instance shuts down', async () => {
    const started = await startWorkers(2, {
      task: 'hand-over',
      records: 120,
      batchSize: 1,
      recordsPerSecond: 100,
    });
    const reader = await zk.connect();
    const layout = taskLayout(ROOT, 'hand-over');
    const first = await eventually(async () => {
      const running = started.find((worker) => worker.runner.role === 'RUNNING');
      expect(running).toBeDefined();
      expect(running!.runner.progress.appliedByUs).toBeGreaterThanOrEqual(20);
      return running!;
    });
    const other = started.find((worker) => worker !== first)!;
    await first.close();
    expect(first.runner.progress.checkpoint!.checkpoint.offset).toBeLessThan(120);
    await eventually(
      async () => {
        expect(other.runner.role).toBe('RUNNING');
        expect((await readCheckpoint(reader, layout)).checkpoint.offset).toBe(120);
      },
      { timeoutMs: 20_000 },
    );
    const output = await readOutput(reader, layout);
    const terms = expectExactlyOnceInOrder(output, shippedRecords(120));
    expect(terms).toHaveLength(2);
    // The successor applied exactly what was left. The first may have committed one batch more than
    // it knows: close() aborted the wait for a reply already on its way — the ambiguity the
    // successor's read of the checkpoint settles.
    const byFirst = output.filter((entry) => entry.instanceId === first.instanceId).length;
    expect(other.runner.progress.appliedByUs).toBe(120 - byFirst);
    expect(byFirst - first.runner.progress.appliedByUs).toBeGreaterThanOrEqual(0);
    expect(byFirst - first.runner.progress.appliedByUs).toBeLessThanOrEqual(1);
  });
});

describe('the checkpoint version fences commits', () => {
  it('refuses a commit from an old read and writes nothing of it (a paused instance waking up)', async () => {
    const client = await zk.connect();
    const layout = taskLayout(ROOT, 'fenced');
    const records = shippedRecords(6);
    const stale = await readCheckpoint(client, layout);
    // The "paused" instance read version 0; meanwhile a successor committed records 1–3.
    const successor = await commitBatch(client, layout, {
      from: stale,
      records: records.slice(0, 3),
      token: '200',
      instanceId: 'successor',
    });
    expect(successor.version).toBe(stale.version + 1);
    const refused = await commitBatch(client, layout, {
      from: stale,
      records: records.slice(0, 3),
      token: '100',
      instanceId: 'paused',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CoordinationError);
    expect(refused).toMatchObject({ code: 'FENCED', details: { zooKeeperCode: 'BADVERSION' } });
    // Having re-read, the deposed instance sees a newer token and is refused before sending anything.
    const reread = await readCheckpoint(client, layout);
    await expect(
      commitBatch(client, layout, {
        from: reread,
        records: records.slice(3, 6),
        token: '100',
        instanceId: 'paused',
      }),
    ).rejects.toMatchObject({ code: 'FENCED' });
    const output = await readOutput(client, layout);
    expect(output.map((entry) => [entry.offset, entry.instanceId])).toEqual([
      [1, 'successor'],
      [2, 'successor'],
      [3, 'successor'],
    ]);
  });

  it('refuses a batch that does not continue the checkpoint', async () => {
    const client = await zk.connect();
    const layout = taskLayout(ROOT, 'gap');
    const from = await readCheckpoint(client, layout);
    await expect(
      commitBatch(client, layout, { from, records: shippedRecords(3).slice(1), token: '1', instanceId: 'x' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT_LOG' });
    await client.sync('/');
    expect(await client.getChildren(layout.output)).toMatchObject({ children: [] });
  });

  it('reads a corrupt checkpoint as a typed error, not as offset 0', async () => {
    const client = await zk.connect();
    const layout = taskLayout(ROOT, 'corrupt');
    await readCheckpoint(client, layout);
    await client.setData(layout.checkpoint, '{"offset":"seven"}');
    await expect(readCheckpoint(client, layout)).rejects.toMatchObject({ code: 'BAD_CHECKPOINT' });
    await client.delete(layout.checkpoint).catch((error: unknown) => {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    });
  });
});
