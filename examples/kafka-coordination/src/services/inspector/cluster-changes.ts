import type { ControllerView, KafkaClusterView, PartitionView } from '../../inspector/inspect-cluster.ts';

export type ClusterChangeKind =
  | 'controller-elected'
  | 'controller-gone'
  | 'broker-registered'
  | 'broker-left'
  | 'leader-changed'
  | 'isr-shrank'
  | 'isr-grew'
  | 'topic-created'
  | 'topic-deleted'
  | 'topic-deletion-requested'
  | 'config-changed';

/** One thing that changed between two views of the cluster, as the page's log shows it. */
export interface ClusterChange {
  readonly kind: ClusterChangeKind;
  /** a sentence for the log, e.g. "controller moved: broker 2 → 3, epoch 4 → 5" */
  readonly detail: string;
  /** "topic-partition" for partition changes, the broker id for broker changes */
  readonly subject?: string;
}

/**
 * What changed from `before` to `after`, in the order an operator reads it: the controller, the
 * brokers, then each partition. Two views, not the event stream: watches fire once per change, but
 * one re-read may cover several (a dead broker takes its registration and its ISR places at once).
 * `lastController` is the controller seen before any gap: a view read between the old controller's
 * death and the election has none, and the move is still from the old one to the new one.
 */
export function diffClusterViews(
  before: KafkaClusterView,
  after: KafkaClusterView,
  lastController: ControllerView | undefined = before.controller,
): ClusterChange[] {
  return [
    ...controllerChanges(
      before.controller ?? lastController,
      after.controller,
      before.controller !== undefined,
    ),
    ...brokerChanges(before, after),
    ...topicChanges(before, after),
    ...partitionChanges(before, after),
    ...adminChanges(before, after),
  ];
}

function controllerChanges(
  was: ControllerView | undefined,
  now: ControllerView | undefined,
  wasPresent: boolean,
): ClusterChange[] {
  if (now && (was?.brokerId !== now.brokerId || was.epoch !== now.epoch)) {
    const detail = was
      ? `controller moved: broker ${was.brokerId} → ${now.brokerId}, epoch ${was.epoch} → ${now.epoch} (zkVersion ${now.epochZkVersion})`
      : `controller elected: broker ${now.brokerId}, epoch ${now.epoch} (zkVersion ${now.epochZkVersion})`;
    return [{ kind: 'controller-elected', detail, subject: String(now.brokerId) }];
  }
  if (was && wasPresent && !now)
    return [
      {
        kind: 'controller-gone',
        detail: `controller broker ${was.brokerId} gone: /controller deleted, an election is under way`,
        subject: String(was.brokerId),
      },
    ];
  return [];
}

function brokerChanges(before: KafkaClusterView, after: KafkaClusterView): ClusterChange[] {
  const changes: ClusterChange[] = [];
  const previous = new Map(before.brokers.map((broker) => [broker.id, broker]));
  for (const broker of after.brokers) {
    const was = previous.get(broker.id);
    if (was?.brokerEpoch === broker.brokerEpoch) continue;
    changes.push({
      kind: 'broker-registered',
      subject: String(broker.id),
      detail: was
        ? `broker ${broker.id} re-registered: broker epoch ${was.brokerEpoch} → ${broker.brokerEpoch}`
        : `broker ${broker.id} registered (${broker.registration.endpoints.join(' ')}), broker epoch ${broker.brokerEpoch}`,
    });
  }
  const current = new Set(after.brokers.map((broker) => broker.id));
  for (const broker of before.brokers) {
    if (!current.has(broker.id))
      changes.push({
        kind: 'broker-left',
        subject: String(broker.id),
        detail: `broker ${broker.id} left /brokers/ids (its session ended)`,
      });
  }
  return changes;
}

function topicChanges(before: KafkaClusterView, after: KafkaClusterView): ClusterChange[] {
  const was = new Set(before.topics.map((topic) => topic.name));
  const now = new Set(after.topics.map((topic) => topic.name));
  return [
    ...after.topics
      .filter((topic) => !was.has(topic.name))
      .map((topic): ClusterChange => ({
        kind: 'topic-created',
        subject: topic.name,
        detail: `topic ${topic.name} created`,
      })),
    ...before.topics
      .filter((topic) => !now.has(topic.name))
      .map((topic): ClusterChange => ({
        kind: 'topic-deleted',
        subject: topic.name,
        detail: `topic ${topic.name} deleted`,
      })),
  ];
}

function partitionChanges(before: KafkaClusterView, after: KafkaClusterView): ClusterChange[] {
  const previous = new Map<string, PartitionView>();
  for (const topic of before.topics)
    for (const partition of topic.partitions) previous.set(`${topic.name}-${partition.partition}`, partition);
  const changes: ClusterChange[] = [];
  for (const topic of after.topics) {
    for (const partition of topic.partitions) {
      const subject = `${topic.name}-${partition.partition}`;
      const was = previous.get(subject);
      if (!was) continue;
      if (was.leader !== partition.leader)
        changes.push({
          kind: 'leader-changed',
          subject,
          detail: `${subject}: leader ${was.leader} → ${partition.leader}, leader epoch ${was.leaderEpoch} → ${partition.leaderEpoch}`,
        });
      const left = was.isr.filter((id) => !partition.isr.includes(id));
      const joined = partition.isr.filter((id) => !was.isr.includes(id));
      if (left.length > 0)
        changes.push({
          kind: 'isr-shrank',
          subject,
          detail: `${subject}: ISR shrank [${was.isr.join(',')}] → [${partition.isr.join(',')}]`,
        });
      if (joined.length > 0)
        changes.push({
          kind: 'isr-grew',
          subject,
          detail: `${subject}: ISR grew [${was.isr.join(',')}] → [${partition.isr.join(',')}]`,
        });
    }
  }
  return changes;
}

function adminChanges(before: KafkaClusterView, after: KafkaClusterView): ClusterChange[] {
  const changes: ClusterChange[] = after.pendingTopicDeletions
    .filter((topic) => !before.pendingTopicDeletions.includes(topic))
    .map((topic) => ({
      kind: 'topic-deletion-requested',
      subject: topic,
      detail: `deletion of topic ${topic} requested (/admin/delete_topics/${topic})`,
    }));
  const lastSeen = before.configChanges.at(-1)?.sequence ?? -1;
  for (const change of after.configChanges)
    if (change.sequence > lastSeen)
      changes.push({
        kind: 'config-changed',
        subject: change.entityPath,
        detail: `configuration of ${change.entityPath} changed (config_change_${String(change.sequence).padStart(10, '0')})`,
      });
  return changes;
}
