// The three tasks with this project's recipes: a lock, a leader, a config watch.
// Typechecked by the repository's tsc; included into docs/use/client-apis.md.
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { LeaderLatch, Mutex, NodeCache } from '@zk-cookbook/core/recipes';

// #region lock
export async function withLock(
  client: ZooKeeperClient,
  work: (fencingToken: bigint, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const mutex = new Mutex(client, '/locks/invoices');
  const lease = await mutex.acquire({ timeoutMs: 10_000 });
  try {
    // The lease ends (signal aborts) when the connection is suspended or the session lost; the
    // fencing token lets the resource refuse a writer whose lease has already ended.
    await work(lease.fencingToken, lease.signal);
  } finally {
    await lease.release();
  }
}
// #endregion lock

// #region leader
export async function leadWhileLeader(
  client: ZooKeeperClient,
  lead: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const latch = new LeaderLatch(client, '/election/billing', { id: 'worker-1' });
  await latch.start();
  try {
    const lease = await latch.waitForLeadership();
    await lead(lease.signal); // stop leading when lease.signal aborts
  } finally {
    await latch.close();
  }
}
// #endregion leader

// #region config
export async function watchConfig(
  client: ZooKeeperClient,
  apply: (config: string | undefined) => void,
): Promise<NodeCache> {
  // One persistent watch: no gap between an event and re-arming, and a re-read after reconnecting.
  const cache = new NodeCache(client, '/config/billing');
  cache.on('changed', (node) => apply(node.data.toString()));
  cache.on('created', (node) => apply(node.data.toString()));
  cache.on('deleted', () => apply(undefined));
  await cache.start({ timeoutMs: 10_000 });
  apply(cache.get()?.data.toString());
  return cache;
}
// #endregion config
