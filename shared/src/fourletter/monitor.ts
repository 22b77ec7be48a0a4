import { FourLetterParseError } from './errors.ts';

/**
 * The answer to `mntr`. `metrics` keeps every key the server sent (3.8 sends about 500, newer servers
 * add more), with numeric values parsed; the named fields are the ones every 3.5+ server sends plus
 * the leader-only ones, so dashboards can rely on them without string lookups.
 */
export interface Mntr {
  readonly metrics: ReadonlyMap<string, number | string>;
  readonly version: string;
  /** `zk_server_state`: leader, follower, observer, standalone, read-only. */
  readonly serverState: string;
  readonly avgLatencyMs: number;
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly aliveConnections: number;
  readonly outstandingRequests: number;
  readonly znodeCount: number;
  readonly watchCount: number;
  readonly ephemeralsCount: number;
  readonly approximateDataSizeBytes: number;
  /** Unix only. */
  readonly openFileDescriptorCount?: number;
  readonly maxFileDescriptorCount?: number;
  /** Quorum members only, e.g. "leading - broadcast", "following - broadcast". */
  readonly peerState?: string;
  readonly quorumSize?: number;
  /** Leader only. */
  readonly learners?: number;
  readonly syncedFollowers?: number;
  readonly syncedNonVotingFollowers?: number;
  readonly syncedObservers?: number;
  readonly pendingSyncs?: number;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export function parseMntr(text: string): Mntr {
  const metrics = new Map<string, number | string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const value = line.slice(tab + 1).trim();
    metrics.set(line.slice(0, tab), NUMBER.test(value) ? Number(value) : value);
  }

  const requiredText = (key: string) => {
    const value = metrics.get(key);
    if (value === undefined) throw new FourLetterParseError('mntr', `no "${key}"`, text);
    return String(value);
  };
  const optionalNumber = (key: string) => {
    const value = metrics.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw new FourLetterParseError('mntr', `"${key}" is not a number`, text);
    return value;
  };
  const requiredNumber = (key: string) => {
    const value = optionalNumber(key);
    if (value === undefined) throw new FourLetterParseError('mntr', `no "${key}"`, text);
    return value;
  };
  const ifPresent = <K extends string>(name: K, key: string) => {
    const value = optionalNumber(key);
    return value === undefined ? {} : ({ [name]: value } as Record<K, number>);
  };

  return {
    metrics,
    version: requiredText('zk_version'),
    serverState: requiredText('zk_server_state'),
    avgLatencyMs: requiredNumber('zk_avg_latency'),
    minLatencyMs: requiredNumber('zk_min_latency'),
    maxLatencyMs: requiredNumber('zk_max_latency'),
    packetsReceived: requiredNumber('zk_packets_received'),
    packetsSent: requiredNumber('zk_packets_sent'),
    aliveConnections: requiredNumber('zk_num_alive_connections'),
    outstandingRequests: requiredNumber('zk_outstanding_requests'),
    znodeCount: requiredNumber('zk_znode_count'),
    watchCount: requiredNumber('zk_watch_count'),
    ephemeralsCount: requiredNumber('zk_ephemerals_count'),
    approximateDataSizeBytes: requiredNumber('zk_approximate_data_size'),
    ...ifPresent('openFileDescriptorCount', 'zk_open_file_descriptor_count'),
    ...ifPresent('maxFileDescriptorCount', 'zk_max_file_descriptor_count'),
    ...(metrics.has('zk_peer_state') && { peerState: requiredText('zk_peer_state') }),
    ...ifPresent('quorumSize', 'zk_quorum_size'),
    ...ifPresent('learners', 'zk_learners'),
    ...ifPresent('syncedFollowers', 'zk_synced_followers'),
    ...ifPresent('syncedNonVotingFollowers', 'zk_synced_non_voting_followers'),
    ...ifPresent('syncedObservers', 'zk_synced_observers'),
    ...ifPresent('pendingSyncs', 'zk_pending_syncs'),
  };
}
