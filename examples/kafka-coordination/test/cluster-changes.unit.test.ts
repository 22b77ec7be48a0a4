import { describe, expect, it } from 'vitest';
import type { KafkaClusterView, PartitionView } from '../src/inspector/inspect-cluster.ts';
import { diffClusterViews } from '../src/services/inspector/cluster-changes.ts';

const broker = (id: number, epoch: string) => ({
  id,
  brokerEpoch: epoch,
  sessionId: `0x${id}`,
  registration: {
    version: 5,
    host: '127.0.0.1',
    port: 9090 + id,
    jmx_port: -1,
    timestamp: '1',
    endpoints: [`PLAINTEXT://127.0.0.1:${9090 + id}`],
  },
});
const controller = (brokerId: number, epoch: number) => ({
  brokerId,
  epoch,
  epochZkVersion: epoch,
  registration: { version: 2, brokerid: brokerId, timestamp: '1' },
});
const partition = (leader: number, isr: number[], leaderEpoch = 0): PartitionView => ({
  partition: 0,
  replicas: [1, 2, 3],
  leader,
  leaderEpoch,
  isr,
  controllerEpoch: 1,
  stateZkVersion: leaderEpoch,
  underReplicated: isr.length < 3,
});
const view = (changes: Partial<KafkaClusterView> = {}): KafkaClusterView => ({
  clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
  brokers: [broker(1, '10'), broker(2, '11'), broker(3, '12')],
  controller: controller(1, 1),
  topics: [{ name: 'orders', topicId: undefined, partitions: [partition(1, [1, 2, 3])] }],
  pendingTopicDeletions: [],
  reassignmentPending: false,
  configChanges: [],
  issues: [],
  ...changes,
});

describe('diffClusterViews', () => {
  it('finds nothing between equal views', () => {
    expect(diffClusterViews(view(), view())).toEqual([]);
  });

  it('reports a dead controller broker: the move one epoch up, its departure, the leader moved and the ISR shrunk', () => {
    const after = view({
      brokers: [broker(2, '11'), broker(3, '12')],
      controller: controller(2, 2),
      topics: [{ name: 'orders', topicId: undefined, partitions: [partition(2, [2, 3], 1)] }],
    });
    expect(diffClusterViews(view(), after).map((change) => change.detail)).toEqual([
      'controller moved: broker 1 → 2, epoch 1 → 2 (zkVersion 2)',
      'broker 1 left /brokers/ids (its session ended)',
      'orders-0: leader 1 → 2, leader epoch 0 → 1',
      'orders-0: ISR shrank [1,2,3] → [2,3]',
    ]);
  });

  it('names the old controller when the view in between had none', () => {
    const gap = view({ controller: undefined });
    expect(diffClusterViews(view(), gap).map((change) => change.kind)).toEqual(['controller-gone']);
    const elected = diffClusterViews(gap, view({ controller: controller(3, 2) }), controller(1, 1));
    expect(elected.map((change) => change.detail)).toEqual([
      'controller moved: broker 1 → 3, epoch 1 → 2 (zkVersion 2)',
    ]);
  });

  it('tells a broker that re-registered (a new broker epoch) from one that never left', () => {
    const after = view({ brokers: [broker(1, '10'), broker(2, '99'), broker(3, '12')] });
    expect(diffClusterViews(view(), after)).toEqual([
      {
        kind: 'broker-registered',
        subject: '2',
        detail: 'broker 2 re-registered: broker epoch 11 → 99',
      },
    ]);
  });

  it('reports the ISR growing back, new topics, deletion requests and config notifications', () => {
    const before = view({
      topics: [{ name: 'orders', topicId: undefined, partitions: [partition(2, [2, 3], 1)] }],
    });
    const after = view({
      topics: [
        { name: 'audit', topicId: undefined, partitions: [] },
        { name: 'orders', topicId: undefined, partitions: [partition(2, [2, 3, 1], 1)] },
      ],
      pendingTopicDeletions: ['audit'],
      configChanges: [{ sequence: 3, entityPath: 'topics/orders' }],
    });
    expect(diffClusterViews(before, after).map((change) => change.detail)).toEqual([
      'topic audit created',
      'orders-0: ISR grew [2,3] → [2,3,1]',
      'deletion of topic audit requested (/admin/delete_topics/audit)',
      'configuration of topics/orders changed (config_change_0000000003)',
    ]);
  });
});
