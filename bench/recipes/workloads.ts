/**
 * The recipe measurements, each run once per side and round in fresh peer processes. Both sides get
 * the same commands where the peers share them (mutex.cycles, mutex.handoffs, queue.produce and
 * queue.consume, leader.latch*), and their counterparts for IDs (our generators against Curator's
 * DistributedAtomicLong and a sequential-node loop). Rates come from the time the peer measured
 * around its own loop, so the JSON protocol is not timed; every timed part follows an untimed warm-up
 * of the same work in the same process.
 */
import type { ZooKeeperClient } from '../../shared/src/client/index.ts';
import { BenchError } from '../lib/errors.ts';
import type { RecipePeer, RecipePeers } from './recipe-peers.ts';
import type { RecipeSizes } from './sizes.ts';
import type { RecipeWorkload, Side } from './summary.ts';

export interface WorkloadContext {
  peers: RecipePeers;
  /** the pinned follower: every peer's sessions go there */
  connect: string;
  /** the suite's own session on the same server, to watch nodes the peers cannot report */
  admin: ZooKeeperClient;
  /** a fresh path for this suite run */
  root: string;
  sizes: RecipeSizes;
}

export interface WorkloadResult {
  measures: Record<string, number[]>;
  details: Record<string, unknown>;
}

type Workload = (context: WorkloadContext, side: Side, round: number) => Promise<WorkloadResult>;

/** Sessions of throughput runs: long enough that a stalled process on a busy machine keeps its session. */
const SESSION_TIMEOUT_MS = 10_000;
const FAILOVER_EVENT_TIMEOUT_MS = 60_000;

export const WORKLOADS: Record<RecipeWorkload, Workload> = {
  lock: lockCycles,
  handoffs: lockHandoffs,
  queue: queuePutTake,
  ids: idsPerSecond,
  'failover-close': failoverAfterClose,
  'failover-kill': failoverAfterKill,
};

/** Starts `count` peers of one side, runs `body`, and closes them whatever happens. */
async function withPeers<T>(
  context: WorkloadContext,
  side: Side,
  labels: readonly string[],
  body: (peers: RecipePeer[]) => Promise<T>,
): Promise<T> {
  const started = await Promise.allSettled(labels.map((label) => context.peers.start(side, label)));
  const peers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  try {
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return await body(peers);
  } finally {
    await Promise.all(peers.map((peer) => peer.close()));
  }
}

const perSecond = (count: number, elapsedMs: number): number => count / (elapsedMs / 1000);
const microsPer = (cpuMs: number | undefined, count: number): number[] =>
  cpuMs === undefined || count === 0 ? [] : [(cpuMs * 1000) / count];

/** 1. One session, one lock, acquire and release one after another; nobody else contends. */
async function lockCycles(context: WorkloadContext, side: Side, round: number): Promise<WorkloadResult> {
  const { cycles, warmup } = context.sizes.lock;
  return withPeers(context, side, [`lock-r${round}`], async ([peer]) => {
    await peer!.openClient('default', context.connect, SESSION_TIMEOUT_MS);
    const path = `${context.root}/lock-${side}-${round}`;
    await peer!.call('mutex.cycles', { path: `${path}-warmup`, count: warmup });
    const { result: elapsedMs, cpuMs } = await peer!.measureCpu(() =>
      peer!.call<number>('mutex.cycles', { path, count: cycles }),
    );
    return {
      measures: { cyclesPerSecond: [perSecond(cycles, elapsedMs)], cpuUsPerCycle: microsPer(cpuMs, cycles) },
      details: { cycles, elapsedMs, cpuMs },
    };
  });
}

interface HandoffResult {
  handoffs: number;
  acquisitions: number;
  windowMs: number;
  totalAcquisitions: number;
}

/**
 * 2. Ten sessions in one process, each with its own lock object on one path, each acquiring and
 * releasing in a loop: the lock passes from one session to the next. The peer counts hand-offs (an
 * acquisition by another session than the last holder) within a fixed window after a warm-up.
 */
async function lockHandoffs(context: WorkloadContext, side: Side, round: number): Promise<WorkloadResult> {
  const { contenders, warmupMs, durationMs } = context.sizes.handoffs;
  return withPeers(context, side, [`handoffs-r${round}`], async ([peer]) => {
    const clients = Array.from({ length: contenders }, (_, index) => `c${index}`);
    await Promise.all(clients.map((client) => peer!.openClient(client, context.connect, SESSION_TIMEOUT_MS)));
    const { result, cpuMs } = await peer!.measureCpu(() =>
      peer!.call<HandoffResult>(
        'mutex.handoffs',
        {
          client: clients[0],
          clients,
          path: `${context.root}/handoffs-${side}-${round}`,
          warmupMs,
          durationMs,
        },
        { timeoutMs: warmupMs + durationMs + 300_000 },
      ),
    );
    return {
      measures: {
        handoffsPerSecond: [perSecond(result.handoffs, result.windowMs)],
        // over the whole call, warm-up included: CPU was measured around all of it
        cpuUsPerAcquisition: microsPer(cpuMs, result.totalAcquisitions),
      },
      details: { ...result, cpuMs },
    };
  });
}

/**
 * 4. A DistributedQueue with one producer session putting items one after another and one consumer
 * session taking them, at the same time, in one process: items through the queue per second, from
 * the consumer's start to its last item.
 */
async function queuePutTake(context: WorkloadContext, side: Side, round: number): Promise<WorkloadResult> {
  const { items, warmup, itemBytes } = context.sizes.queue;
  return withPeers(context, side, [`queue-r${round}`], async ([peer]) => {
    await peer!.openClient('producer', context.connect, SESSION_TIMEOUT_MS);
    await peer!.openClient('consumer', context.connect, SESSION_TIMEOUT_MS);
    const pass = (path: string, count: number) => {
      const consumed = peer!.call<number>(
        'queue.consume',
        { client: 'consumer', path, count },
        { actor: 'consumer' },
      );
      const produced = peer!.call<number>(
        'queue.produce',
        { client: 'producer', path, count, size: itemBytes },
        { actor: 'producer' },
      );
      return Promise.all([produced, consumed]);
    };
    const path = `${context.root}/queue-${side}-${round}`;
    await pass(`${path}-warmup`, warmup);
    const {
      result: [produceMs, consumeMs],
      cpuMs,
    } = await peer!.measureCpu(() => pass(path, items));
    return {
      measures: {
        putTakePerSecond: [perSecond(items, consumeMs)],
        putsPerSecond: [perSecond(items, produceMs)],
        cpuUsPerItem: microsPer(cpuMs, items),
      },
      details: { items, produceMs, consumeMs, cpuMs },
    };
  });
}

interface IdLoopResult {
  count: number;
  elapsedMs: number;
}

/**
 * 5. IDs one after another from one session. Ours: SequentialIdGenerator (a sequential node per ID),
 * RangeIdGenerator (a compare-and-set per range) and, for reference, our DistributedAtomicLong.
 * Curator's: DistributedAtomicLong.increment() and a loop creating sequential nodes.
 */
async function idsPerSecond(context: WorkloadContext, side: Side, round: number): Promise<WorkloadResult> {
  const { perWrite, warmup, rangeIds, rangeWarmup, rangeSize, atomicLongMs } = context.sizes.ids;
  return withPeers(context, side, [`ids-r${round}`], async ([peer]): Promise<WorkloadResult> => {
    await peer!.openClient('default', context.connect, SESSION_TIMEOUT_MS);
    const path = (kind: string, warm = false) =>
      `${context.root}/ids-${side}-${round}-${kind}${warm ? '-warmup' : ''}`;
    const loop = async (op: string, args: Record<string, unknown>) => {
      const { result, cpuMs } = await peer!.measureCpu(() => peer!.call<IdLoopResult>(op, args));
      return { ...result, cpuMs, perSecond: perSecond(result.count, result.elapsedMs) };
    };
    if (side === 'ts') {
      await peer!.call('naming.sequentialLoop', { path: path('sequential', true), count: warmup });
      await peer!.call('naming.rangeLoop', { path: path('range', true), count: rangeWarmup, rangeSize });
      await peer!.call('counter.incrementLoop', {
        path: path('atomic', true),
        kind: 'atomicLong',
        durationMs: Math.min(atomicLongMs, 1000),
      });
      const sequential = await loop('naming.sequentialLoop', { path: path('sequential'), count: perWrite });
      const range = await loop('naming.rangeLoop', { path: path('range'), count: rangeIds, rangeSize });
      const { result: atomic } = await peer!.measureCpu(() =>
        peer!.call<{ confirmed: number; failed: number }>('counter.incrementLoop', {
          path: path('atomic'),
          kind: 'atomicLong',
          durationMs: atomicLongMs,
        }),
      );
      return {
        measures: {
          sequentialIdsPerSecond: [sequential.perSecond],
          rangeIdsPerSecond: [range.perSecond],
          atomicLongIdsPerSecond: [perSecond(atomic.confirmed, atomicLongMs)],
          cpuUsPerSequentialId: microsPer(sequential.cpuMs, sequential.count),
        },
        details: { sequential, range, atomicLong: { ...atomic, durationMs: atomicLongMs } },
      };
    }
    await peer!.call('naming.atomicLongLoop', { path: path('atomic', true), count: warmup });
    await peer!.call('naming.sequentialLoop', { path: path('sequential', true), count: warmup });
    const atomic = await loop('naming.atomicLongLoop', { path: path('atomic'), count: perWrite });
    const sequential = await loop('naming.sequentialLoop', { path: path('sequential'), count: perWrite });
    return {
      measures: {
        atomicLongIdsPerSecond: [atomic.perSecond],
        sequentialNodeIdsPerSecond: [sequential.perSecond],
        cpuUsPerSequentialNodeId: microsPer(sequential.cpuMs, sequential.count),
      },
      details: { atomicLong: atomic, sequential },
    };
  });
}

/** Joins a LeaderLatch named `name` on `path` (the latch id is its name too). */
async function joinLatch(peer: RecipePeer, name: string, path: string): Promise<void> {
  await peer.call('leader.latchCreate', { name, path, id: name });
  await peer.call('leader.latchStart', { name });
}

/** The next "leader" event saying that latch `name` leads: {at, path, …}. */
function leads(peer: RecipePeer, name: string): Promise<{ at: number; path: string }> {
  return peer
    .waitForEvent('leader', (data) => data.name === name && data.isLeader === true, FAILOVER_EVENT_TIMEOUT_MS)
    .then((data) => ({ at: Number(data.at), path: String(data.path) }));
}

/** Until `peer`'s latch `name` sees `count` participants, then a moment for its watch to be set. */
async function untilParticipants(peer: RecipePeer, name: string, count: number): Promise<void> {
  const deadline = Date.now() + FAILOVER_EVENT_TIMEOUT_MS;
  while ((await peer.call<unknown[]>('leader.latchParticipants', { name })).length !== count) {
    if (Date.now() > deadline)
      throw new BenchError(`${peer.name}: latch ${name} never saw ${count} participants`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The standby watches its predecessor right after it created its node; let that happen, so the
  // failover measured is the steady state and not a standby still getting in line.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/**
 * 3a. Two participant processes on one latch path; the leader closes its latch (its node is deleted
 * at once) and the other becomes leader: from the close call to the other's isLeader event, both
 * timestamped by the peers (ms clocks of one machine). The old leader rejoins at the back and the
 * roles alternate.
 */
async function failoverAfterClose(
  context: WorkloadContext,
  side: Side,
  round: number,
): Promise<WorkloadResult> {
  const { closes, warmupCloses, sessionTimeoutMs } = context.sizes.failover;
  return withPeers(
    context,
    side,
    [`failover-close-r${round}-a`, `failover-close-r${round}-b`],
    async (peers) => {
      await Promise.all(peers.map((peer) => peer.openClient('default', context.connect, sessionTimeoutMs)));
      const path = `${context.root}/failover-close-${side}-${round}`;
      let leader = { peer: peers[0]!, name: 'a0' };
      let standby = { peer: peers[1]!, name: 'b0' };
      const first = leads(leader.peer, leader.name);
      await joinLatch(leader.peer, leader.name, path);
      await first;
      await joinLatch(standby.peer, standby.name, path);
      const samples: number[] = [];
      for (let close = 0; close < warmupCloses + closes; close++) {
        await untilParticipants(standby.peer, standby.name, 2);
        const next = leads(standby.peer, standby.name);
        const { closingAt } = await leader.peer.call<{ closingAt: number }>('leader.latchClose', {
          name: leader.name,
        });
        const { at } = await next;
        if (close >= warmupCloses) samples.push(at - closingAt);
        const rejoining = { peer: leader.peer, name: `${leader.name[0]}${close + 1}` };
        await joinLatch(rejoining.peer, rejoining.name, path);
        [leader, standby] = [standby, rejoining];
      }
      return { measures: { failoverMs: samples }, details: { samples } };
    },
  );
}

/**
 * 3b. A leader process is killed (SIGKILL). Its node stays until the servers expire its session, so
 * the failover is mostly the session timeout; the suite's own session watches the node, which splits
 * the failover into the server's part (kill → node deleted) and the recipe's (node deleted → the next
 * participant leads). Each run kills `kills` leaders in turn, each in its own process; one more
 * process stays to take over last.
 */
async function failoverAfterKill(
  context: WorkloadContext,
  side: Side,
  round: number,
): Promise<WorkloadResult> {
  const { kills, sessionTimeoutMs } = context.sizes.failover;
  const labels = Array.from({ length: kills + 1 }, (_, index) => `failover-kill-r${round}-${index}`);
  return withPeers(context, side, labels, async (peers) => {
    await Promise.all(peers.map((peer) => peer.openClient('default', context.connect, sessionTimeoutMs)));
    const path = `${context.root}/failover-kill-${side}-${round}`;
    const names = peers.map((_, index) => `p${index}`);
    const first = leads(peers[0]!, names[0]!);
    await joinLatch(peers[0]!, names[0]!, path);
    let leaderPath = (await first).path;
    // One at a time, each in line before the next joins (Curator's latch creates its node in the
    // background): the kills below take the leaders in this order.
    for (let index = 1; index < peers.length; index++) {
      await joinLatch(peers[index]!, names[index]!, path);
      await untilParticipants(peers[index]!, names[index]!, index + 1);
    }
    const failoverMs: number[] = [];
    const expiryMs: number[] = [];
    const reactionMs: number[] = [];
    for (let victim = 0; victim < kills; victim++) {
      const deleted = nodeDeletion(context.admin, leaderPath);
      await deleted.watching;
      const next = leads(peers[victim + 1]!, names[victim + 1]!);
      const killedAt = Date.now();
      peers[victim]!.kill();
      const { at, path: nextPath } = await next;
      const deletedAt = await deleted.at;
      failoverMs.push(at - killedAt);
      expiryMs.push(deletedAt - killedAt);
      reactionMs.push(at - deletedAt);
      leaderPath = nextPath;
    }
    return {
      measures: { failoverMs, expiryMs, reactionMs },
      details: { failoverMs, expiryMs, reactionMs, sessionTimeoutMs },
    };
  });
}

/** Watches a node; `at` resolves with the time (Date.now()) the deletion was heard. */
function nodeDeletion(
  admin: ZooKeeperClient,
  path: string,
): { watching: Promise<void>; at: Promise<number> } {
  let heard!: (at: number) => void;
  let failed!: (error: Error) => void;
  const at = new Promise<number>((resolve, reject) => {
    heard = resolve;
    failed = reject;
  });
  const timer = setTimeout(
    () => failed(new BenchError(`${path} was not deleted within ${FAILOVER_EVENT_TIMEOUT_MS} ms`)),
    FAILOVER_EVENT_TIMEOUT_MS,
  );
  const watching = admin
    .exists(path, {
      watch: (event) => {
        if (event.type !== 'deleted') return;
        clearTimeout(timer);
        heard(Date.now());
      },
    })
    .then((stat) => {
      if (!stat) throw new BenchError(`the leader's node ${path} is already gone`);
    });
  return { watching, at };
}
