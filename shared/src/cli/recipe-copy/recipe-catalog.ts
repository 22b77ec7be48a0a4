/**
 * The recipes `zk-cookbook add` can copy, by the name people type. Each names its entry files,
 * relative to the package's src/; the rest of what it needs (the recipe core, the client, the Jute
 * codec) is found by following their imports, so the catalog never goes stale when a recipe gains a
 * helper.
 */
export interface CatalogRecipe {
  readonly name: string;
  /** what a reader of `add --list` needs to pick it */
  readonly summary: string;
  /** the files a user imports, relative to src/ */
  readonly entries: readonly string[];
}

export const RECIPE_CATALOG: readonly CatalogRecipe[] = [
  {
    name: 'client',
    summary: 'the ZooKeeper client alone (Curator-free wire protocol)',
    entries: ['client/index.ts'],
  },
  {
    name: 'mutex',
    summary: 'Mutex: one holder at a time (Curator InterProcessMutex)',
    entries: ['recipes/locks/mutex.ts'],
  },
  {
    name: 'read-write-lock',
    summary: 'ReadWriteLock: many readers or one writer (InterProcessReadWriteLock)',
    entries: ['recipes/locks/read-write-lock.ts'],
  },
  {
    name: 'semaphore',
    summary: 'Semaphore: at most N holders (InterProcessSemaphoreV2)',
    entries: ['recipes/locks/semaphore.ts'],
  },
  {
    name: 'semaphore-mutex',
    summary: 'SemaphoreMutex: a non-re-entrant mutex (InterProcessSemaphoreMutex)',
    entries: ['recipes/locks/semaphore-mutex.ts'],
  },
  {
    name: 'leader-latch',
    summary: 'LeaderLatch: a long-lived "am I the leader?" (Curator LeaderLatch)',
    entries: ['recipes/leader/leader-latch.ts'],
  },
  {
    name: 'leader-selector',
    summary: 'LeaderSelector: take turns leading, one term at a time (Curator LeaderSelector)',
    entries: ['recipes/leader/leader-selector.ts'],
  },
  {
    name: 'distributed-queue',
    summary: 'DistributedQueue and its consumers (Curator QueueBuilder queues)',
    entries: [
      'recipes/queue/distributed-queue.ts',
      'recipes/queue/queue-consumer.ts',
      'recipes/queue/queue-serializer.ts',
    ],
  },
  {
    name: 'priority-queue',
    summary: 'DistributedPriorityQueue (Curator DistributedPriorityQueue)',
    entries: ['recipes/queue/distributed-priority-queue.ts', 'recipes/queue/queue-serializer.ts'],
  },
  {
    name: 'delay-queue',
    summary: 'DistributedDelayQueue (Curator DistributedDelayQueue)',
    entries: ['recipes/queue/distributed-delay-queue.ts', 'recipes/queue/queue-serializer.ts'],
  },
  {
    name: 'id-queue',
    summary: 'DistributedIdQueue: items that can be removed by id (Curator DistributedIdQueue)',
    entries: ['recipes/queue/distributed-id-queue.ts', 'recipes/queue/queue-serializer.ts'],
  },
  {
    name: 'simple-queue',
    summary: 'SimpleDistributedQueue: offer/poll/take (Curator SimpleDistributedQueue)',
    entries: ['recipes/queue/simple-distributed-queue.ts'],
  },
  {
    name: 'barrier',
    summary: 'DistributedBarrier: hold everyone until it is lowered',
    entries: ['recipes/barrier/distributed-barrier.ts'],
  },
  {
    name: 'double-barrier',
    summary: 'DistributedDoubleBarrier: enter and leave together',
    entries: ['recipes/barrier/double-barrier.ts'],
  },
  {
    name: 'shared-count',
    summary: 'SharedCount: a shared, watched integer',
    entries: ['recipes/counter/shared-count.ts'],
  },
  {
    name: 'atomic-long',
    summary: 'DistributedAtomicLong: a 64-bit counter (Curator DistributedAtomicLong)',
    entries: ['recipes/counter/distributed-atomic-long.ts'],
  },
  {
    name: 'atomic-integer',
    summary: 'DistributedAtomicInteger: a 32-bit counter (Curator DistributedAtomicInteger)',
    entries: ['recipes/counter/distributed-atomic-integer.ts'],
  },
  {
    name: 'group-member',
    summary: 'GroupMember and GroupMembersView: who is in the group (Curator GroupMember)',
    entries: ['recipes/membership/group-member.ts'],
  },
  {
    name: 'persistent-node',
    summary: 'PersistentNode: a node kept in place across reconnects (Curator PersistentNode)',
    entries: ['recipes/nodes/persistent-node.ts'],
  },
  {
    name: 'node-cache',
    summary: 'NodeCache: one node, kept in memory',
    entries: ['recipes/cache/node-cache.ts'],
  },
  {
    name: 'children-cache',
    summary: 'ChildrenCache: a node and its children, kept in memory',
    entries: ['recipes/cache/children-cache.ts'],
  },
  {
    name: 'tree-cache',
    summary: 'TreeCache: a whole subtree, kept in memory (Curator CuratorCache)',
    entries: ['recipes/cache/tree-cache.ts'],
  },
  {
    name: 'service-discovery',
    summary: 'ServiceDiscovery, ServiceCache, ServiceProvider (curator-x-discovery)',
    entries: [
      'recipes/discovery/service-discovery.ts',
      'recipes/discovery/service-instance.ts',
      'recipes/discovery/uri-spec.ts',
      'recipes/discovery/provider-strategies.ts',
    ],
  },
  {
    name: 'sequential-id',
    summary: 'SequentialIdGenerator: unique, ordered ids from sequential nodes',
    entries: ['recipes/naming/sequential-id-generator.ts'],
  },
  {
    name: 'range-id',
    summary: 'RangeIdGenerator: ids handed out from reserved ranges',
    entries: ['recipes/naming/range-id-generator.ts'],
  },
];

export function catalogRecipe(name: string): CatalogRecipe | undefined {
  return RECIPE_CATALOG.find((recipe) => recipe.name === name);
}
