import { Gauge, type Registry } from 'prom-client';
import { SERVER_MODES } from '../fourletter/index.ts';
import type { EnsembleSummary } from './ensemble-summary.ts';
import type { MemberStatus } from './member-status.ts';

/**
 * Prometheus series for the ensemble, computed at scrape time from the poller's latest answers.
 *
 * Names are the `mntr` keys the values come from (`zk_znode_count`, `zk_avg_latency`, ...), labelled
 * with the member as `zk_host="host:port"` and `server_id`: the convention of mntr-based exporters
 * (dabealu/zookeeper-exporter, Grafana dashboard 11442), so their dashboards read the monitor as is.
 * They never collide with ZooKeeper's own metrics provider (port 7000, unprefixed names such as
 * `znode_count`, Grafana dashboard 10465), so Prometheus can scrape both without sums counting a
 * server twice. Members that do not serve have no value series at all (rather than zeros that would
 * drag averages down): `zk_up` and `zk_serving` say why.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly samples: (members: readonly MemberStatus[], summary: EnsembleSummary) => Sample[];
}

const MEMBER_LABELS = ['server_id', 'zk_host'] as const;

function memberLabels(member: MemberStatus): Record<string, string> {
  return { server_id: String(member.id), zk_host: member.address };
}

/** A gauge with one series per member that has a value. */
function perMember(
  name: string,
  help: string,
  value: (member: MemberStatus) => number | null,
): MetricDefinition {
  return {
    name,
    help,
    labelNames: MEMBER_LABELS,
    samples: (members) =>
      members.flatMap((member) => {
        const sampled = value(member);
        return sampled === null ? [] : [{ name, labels: memberLabels(member), value: sampled }];
      }),
  };
}

function ensembleWide(
  name: string,
  help: string,
  value: (summary: EnsembleSummary) => number | null,
): MetricDefinition {
  return {
    name,
    help,
    labelNames: [],
    samples: (_members, summary) => {
      const sampled = value(summary);
      return sampled === null ? [] : [{ name, labels: {}, value: sampled }];
    },
  };
}

const bit = (condition: boolean): number => (condition ? 1 : 0);

export const METRICS: readonly MetricDefinition[] = [
  perMember('zk_up', 'Whether the server answered srvr within the timeout (1) or not (0)', (member) =>
    bit(member.up),
  ),
  perMember('zk_serving', 'Whether the server serves client requests, i.e. is part of a quorum', (member) =>
    bit(member.serving),
  ),
  {
    name: 'zk_server_state',
    help: 'The mode the server reports: 1 for its current one, 0 for the others; all 0 when it does not serve',
    labelNames: [...MEMBER_LABELS, 'state'],
    samples: (members) =>
      members.flatMap((member) =>
        SERVER_MODES.map((state) => ({
          name: 'zk_server_state',
          labels: { ...memberLabels(member), state },
          value: bit(member.mode === state),
        })),
      ),
  },
  perMember('zk_server_leader', 'Whether the server leads (1) or not (0)', (member) =>
    bit(member.mode === 'leader' || member.mode === 'standalone'),
  ),
  perMember('zk_zxid', 'Last zxid the server has seen (exact up to 2^53)', (member) =>
    member.zxid === null ? null : Number(BigInt(member.zxid)),
  ),
  perMember('zk_epoch', 'Leader epoch of the last zxid (its high 32 bits)', (member) => member.epoch),
  perMember('zk_avg_latency', 'Average request latency in ms', (member) => member.latency?.avgMs ?? null),
  perMember('zk_min_latency', 'Minimum request latency in ms', (member) => member.latency?.minMs ?? null),
  perMember('zk_max_latency', 'Maximum request latency in ms', (member) => member.latency?.maxMs ?? null),
  perMember(
    'zk_outstanding_requests',
    'Requests queued in the server, not yet answered',
    (member) => member.outstanding,
  ),
  perMember('zk_num_alive_connections', 'Open client connections', (member) => member.connections),
  perMember('zk_watch_count', 'Watches set by clients on this server', (member) => member.watches),
  perMember(
    'zk_watched_paths',
    'Distinct paths with a watch on this server (wchs)',
    (member) => member.watchedPaths,
  ),
  perMember('zk_znode_count', 'Znodes in the data tree', (member) => member.znodes),
  perMember('zk_ephemerals_count', 'Ephemeral znodes', (member) => member.ephemerals),
  perMember(
    'zk_approximate_data_size',
    'Approximate size of the data tree in bytes',
    (member) => member.dataSizeBytes,
  ),
  perMember(
    'zk_packets_received',
    'Packets received since the server started',
    (member) => member.packetsReceived,
  ),
  perMember('zk_packets_sent', 'Packets sent since the server started', (member) => member.packetsSent),
  perMember(
    'zk_open_file_descriptor_count',
    'Open file descriptors of the server process',
    (member) => member.openFileDescriptors,
  ),
  perMember(
    'zk_quorum_size',
    'Voting members, as the server sees the configuration',
    (member) => member.quorumSize,
  ),
  perMember(
    'zk_learners',
    'Followers and observers connected to the leader (leader only)',
    (member) => member.learners,
  ),
  perMember(
    'zk_synced_followers',
    'Followers in sync with the leader (leader only)',
    (member) => member.syncedFollowers,
  ),
  perMember(
    'zk_synced_observers',
    'Observers in sync with the leader (leader only)',
    (member) => member.syncedObservers,
  ),
  perMember(
    'zk_pending_syncs',
    'Learners waiting to sync with the leader (leader only)',
    (member) => member.pendingSyncs,
  ),
  perMember(
    'zk_poll_duration_seconds',
    'How long the last four-letter-word poll of the server took',
    (member) => (member.mode === 'unknown' ? null : member.pollMs / 1000),
  ),
  ensembleWide('zk_ensemble_members', 'Members the monitor polls', (summary) => summary.members),
  ensembleWide('zk_ensemble_up_members', 'Members that answered', (summary) => summary.up),
  ensembleWide(
    'zk_ensemble_serving_members',
    'Members serving client requests',
    (summary) => summary.serving,
  ),
  ensembleWide('zk_ensemble_leader_present', 'Whether exactly one member leads (1) or not (0)', (summary) =>
    bit(summary.leaderPresent),
  ),
  ensembleWide(
    'zk_ensemble_synced_followers',
    'Followers in sync, as the leader counts them',
    (summary) => summary.syncedFollowers,
  ),
];

/** Every sample of every metric for one snapshot: the pure half, which the tests check. */
export function ensembleSamples(members: readonly MemberStatus[], summary: EnsembleSummary): Sample[] {
  return METRICS.flatMap((metric) => metric.samples(members, summary));
}

/** Registers the gauges; each scrape reads `current()` afresh, so no series outlives its member's state. */
export function registerEnsembleMetrics(
  registry: Registry,
  current: () => { members: readonly MemberStatus[]; summary: EnsembleSummary },
): void {
  for (const metric of METRICS) {
    new Gauge({
      name: metric.name,
      help: metric.help,
      labelNames: [...metric.labelNames],
      registers: [registry],
      collect() {
        this.reset();
        const { members, summary } = current();
        for (const sample of metric.samples(members, summary)) this.set(sample.labels, sample.value);
      },
    });
  }
}
