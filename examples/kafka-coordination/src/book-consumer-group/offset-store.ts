import { ensurePath, isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import type { ConsumerGroupLayout } from './consumer-group-layout.ts';

/**
 * Offsets as the book's consumers kept them: a persistent `offsets/<topic>/<partition>` node holding
 * the next offset to consume, in decimal. Only a partition's owner writes it, and only while it holds
 * the owner node: ZooKeeper runs a session's requests in order and none after the session ends, so a
 * commit made before the owner node is deleted lands before the next owner can read it, and a commit
 * from a session that expired cannot land at all.
 */
export async function readCommittedOffset(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
  partition: number,
): Promise<bigint | undefined> {
  try {
    const { data } = await client.getData(layout.offset(topic, partition));
    const text = data.toString('utf8').trim();
    return /^\d+$/.test(text) ? BigInt(text) : undefined;
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return undefined;
    throw error;
  }
}

export async function commitOffset(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
  partition: number,
  nextOffset: bigint,
): Promise<void> {
  const path = layout.offset(topic, partition);
  const data = nextOffset.toString();
  try {
    await client.setData(path, data);
    return;
  } catch (error) {
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
  await ensurePath(client, layout.offsetsOf(topic));
  try {
    await client.create(path, data);
  } catch (error) {
    if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    await client.setData(path, data);
  }
}
