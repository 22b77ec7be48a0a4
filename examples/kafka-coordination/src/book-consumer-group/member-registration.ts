import { ensurePath, isZooKeeperError, type Watcher, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { ConsumerRegistration, registrationFor, type ConsumerGroupLayout } from './consumer-group-layout.ts';
import type { ConsumerThread } from './range-assignment.ts';

/** Another live session holds this consumer id: two processes were given the same id. */
export class ConsumerIdTakenError extends Error {
  override name = 'ConsumerIdTakenError';
}

/**
 * Registers the member: an ephemeral `ids/<consumerId>` of this session with its subscription.
 * Idempotent within a session (a create retried after a lost reply finds its own node). A node of
 * another session under the same id is waited out — after a session expiry a node of the old
 * session can outlive the expiry notice briefly (Kafka 0.8 waited for the same reason, ZOOKEEPER-1740)
 * — and if it is still there at the deadline, the id belongs to someone else.
 */
export async function registerMember(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  consumerId: string,
  topic: string,
  { timeoutMs }: { timeoutMs: number },
): Promise<void> {
  const path = layout.member(consumerId);
  const data = JSON.stringify(registrationFor(topic));
  await ensurePath(client, layout.ids);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.create(path, data, { mode: 'ephemeral' });
      return;
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
    let changed!: () => void;
    const deletedOrChanged = new Promise<void>((resolve) => (changed = resolve));
    const stat = await client.exists(path, { watch: () => changed() });
    if (stat?.ephemeralOwner === client.sessionId) return;
    if (!stat) continue;
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      throw new ConsumerIdTakenError(
        `${path} belongs to session 0x${stat.ephemeralOwner.toString(16)}, not this one`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      deletedOrChanged,
      new Promise((resolve) => (timer = setTimeout(resolve, remainingMs))),
    ]);
    clearTimeout(timer);
  }
}

/** Leaves the group: deletes the ids node if this session owns it. */
export async function deregisterMember(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  consumerId: string,
): Promise<void> {
  const path = layout.member(consumerId);
  const stat = await client.exists(path);
  if (stat?.ephemeralOwner !== client.sessionId) return;
  try {
    await client.delete(path, { version: stat.version });
  } catch (error) {
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
}

/**
 * The consumer threads subscribed to `topic`, read from every member's ids node, with a child watch
 * on `ids` so that the next join or leave calls `watch`. A member that vanished between the listing
 * and the read is skipped (its departure fires the watch again); one whose node does not decode is
 * skipped too, since it cannot be assigned anything it did not ask for.
 */
export async function readSubscribedThreads(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
  watch: Watcher,
): Promise<ConsumerThread[]> {
  const { children } = await client.getChildren(layout.ids, { watch });
  const threads: ConsumerThread[] = [];
  for (const consumerId of children) {
    let registration: ConsumerRegistration;
    try {
      const { data } = await client.getData(layout.member(consumerId));
      const parsed = ConsumerRegistration.safeParse(JSON.parse(data.toString('utf8')));
      if (!parsed.success) continue;
      registration = parsed.data;
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE') || error instanceof SyntaxError) continue;
      throw error;
    }
    const streams = registration.subscription[topic] ?? 0;
    for (let thread = 0; thread < streams; thread++) threads.push({ consumerId, thread });
  }
  return threads;
}
