/** How much work each recipe measurement does, per run. */
export interface RecipeSizes {
  /** acquire/release cycles of one uncontended lock, one after another */
  lock: { cycles: number; warmup: number };
  /** contenders on one lock, each its own session in one process, for warmupMs untimed then durationMs */
  handoffs: { contenders: number; warmupMs: number; durationMs: number };
  /** one producer and one consumer (two sessions) passing `items` items of itemBytes bytes */
  queue: { items: number; warmup: number; itemBytes: number };
  /**
   * IDs one after another: sequential-node and atomic-long IDs cost round trips, `rangeIds` come
   * from ranges of rangeSize; atomicLongMs times our own DistributedAtomicLong (a duration: its loop
   * in commands-counter.ts runs for a time)
   */
  ids: {
    perWrite: number;
    warmup: number;
    rangeIds: number;
    rangeWarmup: number;
    rangeSize: number;
    atomicLongMs: number;
  };
  /**
   * Leader failover: graceful closes per run (after warm-up ones), leaders killed per run; every
   * participant's session times out after sessionTimeoutMs (4000 is the least a server with
   * ZooKeeper's default tickTime 2000 grants)
   */
  failover: { closes: number; warmupCloses: number; kills: number; sessionTimeoutMs: number };
}

export const RECIPE_SIZES: RecipeSizes = {
  lock: { cycles: 500, warmup: 100 },
  handoffs: { contenders: 10, warmupMs: 3000, durationMs: 10_000 },
  queue: { items: 500, warmup: 100, itemBytes: 16 },
  ids: {
    perWrite: 500,
    warmup: 100,
    rangeIds: 200_000,
    rangeWarmup: 20_000,
    rangeSize: 1000,
    atomicLongMs: 3000,
  },
  failover: { closes: 10, warmupCloses: 2, kills: 2, sessionTimeoutMs: 4000 },
};

/** --quick: about a tenth of the work, to see that everything runs. */
export const QUICK_RECIPE_SIZES: RecipeSizes = {
  lock: { cycles: 50, warmup: 10 },
  handoffs: { contenders: 10, warmupMs: 1000, durationMs: 2000 },
  queue: { items: 50, warmup: 10, itemBytes: 16 },
  ids: { perWrite: 50, warmup: 10, rangeIds: 20_000, rangeWarmup: 2000, rangeSize: 1000, atomicLongMs: 500 },
  failover: { closes: 2, warmupCloses: 1, kills: 1, sessionTimeoutMs: 4000 },
};

export function describeSizes(sizes: RecipeSizes): string {
  const { lock, handoffs, queue, ids, failover } = sizes;
  return [
    `lock: ${lock.cycles} acquire/release cycles (+${lock.warmup} warm-up)`,
    `hand-offs: ${handoffs.contenders} sessions in one process, ${handoffs.warmupMs / 1000} s warm-up, ` +
      `${handoffs.durationMs / 1000} s counted`,
    `queue: ${queue.items} items of ${queue.itemBytes} B through a DistributedQueue, one producer and one consumer ` +
      `session (+${queue.warmup} warm-up), at-most-once consumer (no lockPath) on both sides`,
    `IDs: ${ids.perWrite} sequential-node and atomic-long IDs (+${ids.warmup}), ` +
      `${ids.rangeIds} range IDs in ranges of ${ids.rangeSize} (+${ids.rangeWarmup}), our DistributedAtomicLong ` +
      `for ${ids.atomicLongMs / 1000} s; one caller after another`,
    `failover: LeaderLatch, ${failover.closes} graceful closes (+${failover.warmupCloses}) and ${failover.kills} ` +
      `SIGKILLed leader(s) per run, every session timeout ${failover.sessionTimeoutMs} ms on both sides`,
  ].join('\n  ');
}
