import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readCheckpoint,
  startMonitor,
  taskLayout,
  DEFAULT_ROOT,
  DEFAULT_TASK,
  type RunningMonitor,
} from '../src/index.ts';
import { expectExactlyOnceInOrder, quietLogger, readOutput, shippedRecords } from './support.ts';
import { killAll, startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * The pattern's invariant under real faults, on an ensemble of its own, with three worker
 * processes applying the shipped input log (600 records):
 * 1. kill -9 the RUNNING worker → the monitor suspects it (missed beats) within the session timeout
 *    and declares it dead when its session expires; a standby takes over from the checkpoint;
 * 2. SIGSTOP the new RUNNING worker past its session timeout → the third takes over; then SIGCONT:
 *    the woken worker, which still believed itself leader with a batch in hand, must write nothing;
 * 3. at the end the output holds every record exactly once, in order, and the terms' fencing tokens
 *    never go back;
 * 4. a pause of the (idle) leader shorter than its session: the monitor shows it late, nobody takes
 *    over, and it carries on in the same term.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const SESSION_TIMEOUT_MS = 3_000;
const HEARTBEAT_MS = 250;
const LATE_AFTER_MS = 1_000;
const RECORDS = shippedRecords();

const started: ChildProcess[] = [];
let monitor: RunningMonitor | undefined;
afterAll(async () => {
  killAll(started);
  await monitor?.close();
});

async function runningOf(workers: readonly WorkerProcess[]): Promise<WorkerProcess> {
  return eventually(
    async () => {
      const statuses = await Promise.all(workers.map((worker) => worker.status()));
      const running = workers.filter((_, index) => statuses[index]!.role === 'RUNNING');
      expect(running).toHaveLength(1);
      return running[0]!;
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
}

describe('one RUNNING instance under kill -9 and SIGSTOP', () => {
  it('applies every record exactly once, in order, and a paused leader writes nothing after waking', async () => {
    const ensemble = dedicated.ensemble;
    const layout = taskLayout(DEFAULT_ROOT, DEFAULT_TASK);
    monitor = await startMonitor({
      connectString: ensemble.connectString,
      total: RECORDS.length,
      lateAfterMs: LATE_AFTER_MS,
      logger: quietLogger,
    });
    const env = {
      ZK_CONNECT: ensemble.connectString,
      SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      HEARTBEAT_MS: String(HEARTBEAT_MS),
      RECORDS_PER_SECOND: '60',
      BATCH_SIZE: '2',
    };
    const workers: WorkerProcess[] = [];
    for (const n of [1, 2, 3]) workers.push(await startWorkerProcess(`worker-${n}`, env, started));
    const reader = monitor.client;
    const offset = async (): Promise<number> => (await readCheckpoint(reader, layout)).checkpoint.offset;
    const progressed = (past: number) =>
      eventually(async () => expect(await offset()).toBeGreaterThanOrEqual(past), { timeoutMs: 30_000 });

    // 1. kill -9 the RUNNING worker.
    const first = await runningOf(workers);
    await progressed(60);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const seen = await eventually(
      () => {
        const state = monitor!.board.get(first.instanceId);
        expect(state?.liveness).toBe('dead');
        return state!;
      },
      { timeoutMs: 15_000, intervalMs: 20 },
    );
    const survivors = workers.filter((worker) => worker !== first);
    const second = await runningOf(survivors);
    const takeoverMs = Date.now() - killedAt;
    const suspectedAfterMs = seen.lateAt! - killedAt;
    const deadAfterMs = seen.goneAt! - killedAt;
    // Beats stop at once: suspected well within the session timeout; certain once it expires
    // (the servers expire sessions on tick boundaries, so up to one tick late, plus notification).
    expect(suspectedAfterMs).toBeLessThan(SESSION_TIMEOUT_MS);
    expect(deadAfterMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - 200);
    expect(deadAfterMs).toBeLessThan(SESSION_TIMEOUT_MS + 2_000);

    // 2. SIGSTOP the new RUNNING worker past its session timeout.
    const handedOver = await offset();
    await progressed(handedOver + 40);
    const secondToken = (await second.status()).token!;
    const pausedAt = Date.now();
    second.child.kill('SIGSTOP');
    let third: WorkerProcess;
    try {
      third = await runningOf(survivors.filter((worker) => worker !== second));
      // The successor commits while the paused one still "leads" in its frozen memory.
      await progressed((await offset()) + 30);
    } finally {
      second.child.kill('SIGCONT');
    }
    const pausedForMs = Date.now() - pausedAt;
    expect(pausedForMs).toBeGreaterThan(SESSION_TIMEOUT_MS);
    // Woken, it learns that its session is gone and stands by; it rejoins the line and the group.
    await eventually(
      async () => {
        const status = await second.status();
        expect(status.role).toBe('STANDBY');
        expect(status.connection).toBe('connected');
        expect(monitor!.board.get(second.instanceId)?.liveness).toBe('alive');
      },
      { timeoutMs: 20_000 },
    );

    // 3. The rest of the log, then the invariant over the whole output.
    await eventually(async () => expect(await offset()).toBe(RECORDS.length), { timeoutMs: 60_000 });
    const terms = expectExactlyOnceInOrder(await readOutput(reader, layout), RECORDS);
    const thirdToken = (await third.status()).token!;
    expect(terms).toHaveLength(3);
    expect(terms.slice(1)).toEqual([secondToken, thirdToken]);
    const checkpoint = await readCheckpoint(reader, layout);
    expect(checkpoint.checkpoint.token).toBe(thirdToken);

    // 4. A pause shorter than the session: nobody takes over, and missed beats are the only sign.
    const idleLeader = (await third.status()).token;
    const shortPauseAt = Date.now();
    third.child.kill('SIGSTOP');
    try {
      await eventually(() => expect(monitor!.board.get(third.instanceId)?.liveness).toBe('late'), {
        timeoutMs: SESSION_TIMEOUT_MS / 2,
        intervalMs: 20,
      });
    } finally {
      third.child.kill('SIGCONT');
    }
    const shortPauseMs = Date.now() - shortPauseAt;
    expect(shortPauseMs).toBeLessThan(SESSION_TIMEOUT_MS);
    await eventually(async () => {
      expect(monitor!.board.get(third.instanceId)?.liveness).toBe('alive');
      const status = await third.status();
      expect(status.role).toBe('RUNNING');
      // The same term: its session, its latch node and its token survived the pause.
      expect(status.token).toBe(idleLeader);
    });
    expect((await second.status()).role).toBe('STANDBY');
    const secondStatus = await second.status();
    console.info(
      `kill -9: suspected after ${suspectedAfterMs} ms, dead after ${deadAfterMs} ms, standby RUNNING after ${takeoverMs} ms ` +
        `(session timeout ${SESSION_TIMEOUT_MS} ms); SIGSTOP for ${pausedForMs} ms: the woken leader had ${secondStatus.fencedCommits} commit(s) fenced off, ` +
        `wrote nothing after ${third.instanceId} took over; ${RECORDS.length} records exactly once over ${terms.length} terms; ` +
        `a ${shortPauseMs} ms pause of the leader: late, then alive, same term`,
    );
  }, 150_000);
});
