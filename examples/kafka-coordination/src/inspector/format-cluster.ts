import type { KafkaClusterView } from './inspect-cluster.ts';

/** The view as a terminal report: what `kafka-inspect` prints. */
export function formatClusterView(view: KafkaClusterView): string {
  const controller = view.controller
    ? `broker ${view.controller.brokerId}, epoch ${view.controller.epoch} (/controller_epoch zkVersion ${view.controller.epochZkVersion})`
    : 'none (an election is under way, or no broker is up)';
  const lines = [
    `cluster id: ${view.clusterId ?? '(none yet)'}`,
    `controller: ${controller}`,
    'brokers (id, listener, broker epoch = czxid, session):',
  ];
  for (const broker of view.brokers) {
    lines.push(
      `  ${broker.id}  ${broker.registration.endpoints.join(' ')}  ${broker.brokerEpoch}  ${broker.sessionId}`,
    );
  }
  lines.push('partitions (topic-partition, replicas, leader, leader epoch, ISR):');
  for (const topic of view.topics) {
    for (const partition of topic.partitions) {
      const flag = partition.underReplicated ? '  under-replicated' : '';
      lines.push(
        `  ${topic.name}-${partition.partition}  [${partition.replicas.join(',')}]  ${partition.leader}  ${partition.leaderEpoch}  [${partition.isr.join(',')}]${flag}`,
      );
    }
  }
  lines.push(`pending topic deletions: ${view.pendingTopicDeletions.join(', ') || 'none'}`);
  lines.push(`partition reassignment pending: ${view.reassignmentPending ? 'yes' : 'no'}`);
  const lastChange = view.configChanges.at(-1);
  lines.push(
    `config change notifications: ${view.configChanges.length}${lastChange ? ` (last: ${lastChange.entityPath})` : ''}`,
  );
  lines.push(view.issues.length === 0 ? 'schema issues: none' : 'schema issues:');
  for (const issue of view.issues) lines.push(`  ${issue.path}: ${issue.problem}`);
  return `${lines.join('\n')}\n`;
}
