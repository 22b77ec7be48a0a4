import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { TcpProxy, eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findOverlaps,
  longestGaps,
  startCollector,
  type ClusterSnapshot,
  type RunningCollector,
  type WorkInterval,
} from '../src/index.ts';
import { getJson, quietLogger } from './support.ts';
import { killAll, startServiceProcess, type ServiceProcess } from './service-process.ts';

/**
 * The pattern's invariants under real faults, on an ensemble of its own, checked on the collectors'
 * own reports (every interval each one worked each source):
 *
 * - safety: no source is worked by two live collectors at once — a collector stops at the first sign
 *   it may have lost a source (suspended, lost, claim deleted, reassigned) and only a collector
 *   holding the source's ephemeral claim works it. The one exception is a session the servers close
 *   under a connected owner (a forced close): the owner learns of it milliseconds later, and the
 *   claim's czxid (larger for the new owner) fences that window — checked below;
 * - liveness: no source goes unworked longer than the collectors' session timeout plus BOUND_MS.
 *
 * One run goes through the faults in turn, waiting for the cluster to settle after each: expire a
 * collector's session; cut a collector off silently until the servers expire its session and its
 * sources go to others (the case the safety rule is for: it must have stopped before that); SIGKILL
 * a collector; SIGKILL the leading coordinator; kill the ZooKeeper leader. Collectors 1 and 2 and
 * both coordinators are processes (to be killed for real); collectors 3 and 5 run in this process,
 * so the test can expire 3's session by its credentials and reach 5 only through a proxy it controls.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const SESSION_TIMEOUT_MS = 4_000;
/** What a rebalance may take beyond the session timeout on a loaded two-core machine. */
const BOUND_MS = 3_000;
const SOURCES = ['web-access', 'web-error', 'app', 'db-slow', 'audit', 'cron', 'mail', 'auth'];

const children: ChildProcess[] = [];
const inProcess: RunningCollector[] = [];
let proxy: TcpProxy | undefined;
afterAll(async () => {
  killAll(children);
  for (const collector of inProcess) await collector.close();
  await proxy?.close();
});

/** Every interval every collector reported, the latest version of each (keyed by collector, source, start). */
class Reports {
  private readonly intervals = new Map<string, WorkInterval>();
  private readonly deadAt = new Map<string, number>();

  async poll(collectors: readonly { id: string; url: string }[]): Promise<void> {
    await Promise.all(
      collectors
        .filter((collector) => !this.deadAt.has(collector.id))
        .map(async (collector) => {
          const { body } = await getJson<{ intervals: WorkInterval[] }>(`${collector.url}/api/work`);
          for (const interval of body.intervals) {
            const key = `${interval.collector}/${interval.source}/${interval.start}`;
            // An interval only ever closes: an older answer arriving late must not reopen it.
            if (this.intervals.get(key)?.end === undefined) this.intervals.set(key, interval);
          }
        }),
    );
  }

  /** A SIGKILLed collector does nothing after `at`: its open intervals end there. */
  died(collector: string, at: number): void {
    this.deadAt.set(collector, at);
  }

  all(): WorkInterval[] {
    return [...this.intervals.values()].map((interval) => {
      const death = this.deadAt.get(interval.collector);
      return interval.end === undefined && death !== undefined
        ? { ...interval, end: death, endReason: 'killed' }
        : interval;
    });
  }
}

describe('log collection under faults', () => {
  it('never has two collectors on one source, nor a source unworked past the session timeout plus a bound', async () => {
    const ensemble = dedicated.ensemble;
    const env = {
      ZK_CONNECT: ensemble.connectString,
      SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      SEED_SOURCES: SOURCES.join(','),
    };
    const processes = await Promise.all([
      startServiceProcess('coordinator-main.ts', 'coordinator-1', env, children),
      startServiceProcess('coordinator-main.ts', 'coordinator-2', env, children),
      startServiceProcess('collector-main.ts', 'collector-1', env, children),
      startServiceProcess('collector-main.ts', 'collector-2', env, children),
    ]);
    const [coordinator1, coordinator2, collector1, collector2] = processes as [
      ServiceProcess,
      ServiceProcess,
      ServiceProcess,
      ServiceProcess,
    ];
    const collector3 = await startCollector({
      connectString: ensemble.connectString,
      id: 'collector-3',
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      logger: quietLogger,
    });
    inProcess.push(collector3);
    await collector3.started;
    // Collector 5 reaches one follower only, through the proxy: the ZooKeeper leader is killed last,
    // and collector 5 must then still have its server.
    const zkLeaderAtStart = await ensemble.leader();
    const proxiedServer = ensemble.members.find((member) => member !== zkLeaderAtStart)!;
    proxy = await TcpProxy.start({ host: proxiedServer.host, port: proxiedServer.clientPort });
    const collector5 = await startCollector({
      connectString: proxy.address,
      id: 'collector-5',
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      logger: quietLogger,
    });
    inProcess.push(collector5);
    await collector5.started;

    const reports = new Reports();
    let collectors: { id: string; url: string }[] = [
      collector1,
      collector2,
      { id: 'collector-3', url: collector3.url },
      { id: 'collector-5', url: collector5.url },
    ];
    let coordinators = [coordinator1, coordinator2];
    // The reports are read all along, so that a collector killed later has told what it did before.
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await reports.poll(collectors).catch(() => {
          // A collector being killed may not answer; the next round reads the rest.
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    /** Settled: a live coordinator's assignment spreads every source over exactly the live collectors, and each works its share. */
    const settled = async (label: string, since: number): Promise<number> => {
      await eventually(
        async () => {
          const views = await Promise.all(
            coordinators.map(
              async (each) => (await getJson<ClusterSnapshot>(`${each.url}/api/cluster`)).body,
            ),
          );
          const leading = views.filter((view) => view.coordinator.isLeader);
          expect(leading, `${label}: one coordinator leads`).toHaveLength(1);
          const { assignment } = leading[0]!;
          expect(Object.keys(assignment.collectors).sort()).toEqual(collectors.map((each) => each.id).sort());
          expect(Object.values(assignment.collectors).flat().sort()).toEqual([...SOURCES].sort());
          for (const collector of collectors) {
            const { body } = await getJson<{ generation: number; working: string[]; connection: string }>(
              `${collector.url}/api/status`,
            );
            expect(body.generation, `${label}: ${collector.id}`).toBe(assignment.generation);
            expect(body.working, `${label}: ${collector.id}`).toEqual(assignment.collectors[collector.id]);
          }
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      const tookMs = Date.now() - since;
      console.info(`cluster-management fault: ${label} → settled after ${tookMs} ms`);
      return tookMs;
    };

    const startedAt = Date.now();
    await settled('start', startedAt);
    const from = Date.now();

    // 1. A collector's session expires under it: it stops, rejoins with a new session, gets a share again.
    const expiredAt = Date.now();
    const expiredSession = collector3.client.sessionId;
    // A snapshot of the credentials: given the live client, a retried close inside expireSession
    // would read the session the client renewed meanwhile and close that one too.
    await ensemble.expireSession({
      sessionId: expiredSession,
      sessionPassword: Buffer.from(collector3.client.sessionPassword),
      connectedServer: collector3.client.connectedServer,
    });
    await eventually(() => expect(collector3.client.sessionId).not.toBe(expiredSession), {
      timeoutMs: 20_000,
    });
    const renewedAt = Date.now();
    await settled('collector session expired', expiredAt);

    // 2. A collector is cut off without a word (its packets go nowhere) until the servers expire its
    //    session and give its sources to the others; then it comes back, rejoins and gets a share.
    const cutAt = Date.now();
    const cutSession = collector5.client.sessionId;
    const cutSources = collector5.collector!.working;
    expect(cutSources.length).toBeGreaterThan(0);
    proxy.setMode('blackhole');
    collectors = collectors.filter((each) => each.id !== 'collector-5');
    const cutOff = await settled('collector cut off until its session expired', cutAt);
    expect(cutOff).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - 1_000);
    proxy.setMode('forward');
    await eventually(() => expect(collector5.client.sessionId).not.toBe(cutSession), { timeoutMs: 30_000 });
    collectors = [...collectors, { id: 'collector-5', url: collector5.url }];
    await settled('cut-off collector back', cutAt);

    // 3. A collector dies: its claims and member node go when its session times out.
    // Its last words first: what it put down while settling, before it dies with an open interval.
    await reports.poll([collector1]);
    const killedAt = Date.now();
    collector1.child.kill('SIGKILL');
    await once(collector1.child, 'exit');
    reports.died('collector-1', killedAt);
    collectors = collectors.filter((each) => each.id !== 'collector-1');
    const afterKill = await settled('collector SIGKILLed', killedAt);
    expect(afterKill).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - 1_000);
    expect(afterKill).toBeLessThan(SESSION_TIMEOUT_MS + BOUND_MS);

    // 4. The leading coordinator dies; the other leads once its session is gone, and a collector
    //    joining then is given a share by the new leader.
    const views = await Promise.all(
      coordinators.map(async (each) => (await getJson<ClusterSnapshot>(`${each.url}/api/cluster`)).body),
    );
    const leader = coordinators[views.findIndex((view) => view.coordinator.isLeader)]!;
    const follower = coordinators.find((each) => each !== leader)!;
    leader.child.kill('SIGKILL');
    await once(leader.child, 'exit');
    coordinators = [follower];
    const collector4 = await startCollector({
      connectString: ensemble.connectString,
      id: 'collector-4',
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      logger: quietLogger,
    });
    inProcess.push(collector4);
    await collector4.started;
    collectors = [...collectors, { id: 'collector-4', url: collector4.url }];
    const joinedAt = Date.now();
    await settled('coordinator SIGKILLed, then a collector joined', joinedAt);
    const { body: view } = await getJson<ClusterSnapshot>(`${follower.url}/api/cluster`);
    expect(view.assignment.coordinator).toBe(follower.id);

    // 5. The ZooKeeper leader dies: every session moves to the survivors after the election.
    const zkLeader = await ensemble.leader();
    expect(zkLeader!.id).not.toBe(proxiedServer.id);
    const zkKilledAt = Date.now();
    await ensemble.kill(zkLeader!.id);
    await settled('ZooKeeper leader killed', zkKilledAt);

    polling = false;
    await poller;
    await reports.poll(collectors);
    const to = Date.now();
    const intervals = reports.all();

    // A session closed by the servers while its owner is connected (expireSession joins it from
    // another server and closes it) ends before the owner can know: until its own server drops its
    // connection — milliseconds — it still believes it holds its claims, and a new owner may already
    // have taken one. No rule in the collector can close that window; the claim's czxid fences it
    // (the new owner's token is larger, so a sink that keeps the newest refuses the old owner). Every
    // other overlap is a failure: after a timeout (cut off, killed) the collector stops before the
    // servers can expire its session.
    const overlaps = findOverlaps(intervals, to);
    const fencedByForcedClose = overlaps.filter(
      ({ first, second }) =>
        first.collector === 'collector-3' &&
        first.end !== undefined &&
        first.end >= expiredAt &&
        first.end <= renewedAt &&
        BigInt(second.claimZxid) > BigInt(first.claimZxid) &&
        first.end - second.start < 1_000,
    );
    expect(overlaps.filter((overlap) => !fencedByForcedClose.includes(overlap))).toEqual([]);
    if (fencedByForcedClose.length > 0)
      console.info(
        `cluster-management fault: forced session close overlapped ${fencedByForcedClose.length} hand-over(s) by ` +
          fencedByForcedClose.map(({ first, second }) => `${first.end! - second.start} ms`).join(', ') +
          ', each fenced by a larger claim czxid',
      );
    const gaps = longestGaps(intervals, SOURCES, from, to);
    const longest = Math.max(...[...gaps.values()].map((gap) => gap.gapMs));
    console.info(`cluster-management fault: longest a source went unworked: ${longest} ms`);
    for (const [source, gap] of gaps) expect(gap.gapMs, source).toBeLessThan(SESSION_TIMEOUT_MS + BOUND_MS);
    // Each hand-over went to a newer claim: the claim's czxid is a fencing token a log sink could check.
    for (const source of SOURCES) {
      const list = intervals
        .filter((interval) => interval.source === source)
        .sort((a, b) => a.start - b.start);
      for (let index = 1; index < list.length; index++)
        if (list[index]!.collector !== list[index - 1]!.collector)
          expect(BigInt(list[index]!.claimZxid)).toBeGreaterThan(BigInt(list[index - 1]!.claimZxid));
    }
    expect(intervals.some((interval) => interval.endReason === 'killed')).toBe(true);
    expect(
      intervals.some(
        (interval) =>
          interval.collector === 'collector-3' &&
          interval.endReason !== undefined &&
          interval.endReason !== 'released',
      ),
    ).toBe(true);
  }, 180_000);
});
