import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { PartitionState } from '../src/inspector/kafka-znodes.ts';

/** A partition's state znode as the controller last wrote it, with the zkVersion its writes check. */
export type ObservedPartitionState = PartitionState & { readonly zkVersion: number };

/**
 * Reads `/brokers/topics/<topic>/partitions/<partition>/state` (the client rooted at the cluster's
 * chroot). This is where the controller records who leads and who is in sync: what the tests watch
 * change when a broker dies, loses its session or comes back.
 */
export async function readPartitionState(
  zooKeeper: ZooKeeperClient,
  topic: string,
  partition: number,
): Promise<ObservedPartitionState> {
  const { data, stat } = await zooKeeper.getData(`/brokers/topics/${topic}/partitions/${partition}/state`);
  const state = PartitionState.parse(JSON.parse(data.toString('utf8')));
  return { ...state, zkVersion: stat.version };
}

/** Every partition's state, in partition order. */
export function readPartitionStates(
  zooKeeper: ZooKeeperClient,
  topic: string,
  partitions: number,
): Promise<ObservedPartitionState[]> {
  return Promise.all(
    Array.from({ length: partitions }, (_, partition) => readPartitionState(zooKeeper, topic, partition)),
  );
}

/** An ISR in broker-id order, for comparing with the full replica set. */
export function sortedIsr(state: PartitionState): number[] {
  return [...state.isr].sort((a, b) => a - b);
}
