import {
  FourLetterWordError,
  type ClientConnection,
  type Mntr,
  type ServerMode,
  type ServerStats,
  type WatchSummary,
} from '../fourletter/index.ts';

/**
 * What the monitor says about a member: its mode when it serves, otherwise why not —
 * not-serving (up, no quorum: electing or syncing), unresponsive (accepted the connection but did
 * not answer in time: paused, swapping, a long GC), down (nothing listens), unknown (not polled yet).
 */
export type MemberMode = ServerMode | 'not-serving' | 'unresponsive' | 'down' | 'unknown';

export type MemberRole = 'participant' | 'observer';

/** Who to poll. The role is known for a local ensemble; for an external one it shows once it serves. */
export interface MonitoredMember {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly role?: MemberRole;
}

export interface ClientSummary {
  readonly address: string;
  readonly sessionId: string | null;
  readonly lastOperation: string | null;
  readonly queued: number;
  readonly received: number;
  readonly sent: number;
  readonly avgLatencyMs: number | null;
}

/** One poll's view of a member, in JSON-ready types (zxids as hex strings). */
export interface MemberStatus {
  readonly id: number;
  readonly address: string;
  readonly role: MemberRole | null;
  readonly mode: MemberMode;
  /** answered srvr at all (possibly "not serving") */
  readonly up: boolean;
  readonly serving: boolean;
  readonly version: string | null;
  readonly zxid: string | null;
  /** the high 32 bits of the zxid: the leader epoch that wrote the last transaction */
  readonly epoch: number | null;
  readonly latency: { readonly minMs: number; readonly avgMs: number; readonly maxMs: number } | null;
  readonly outstanding: number | null;
  readonly connections: number | null;
  readonly watches: number | null;
  readonly watchedPaths: number | null;
  readonly znodes: number | null;
  readonly ephemerals: number | null;
  readonly dataSizeBytes: number | null;
  readonly packetsReceived: number | null;
  readonly packetsSent: number | null;
  readonly openFileDescriptors: number | null;
  readonly quorumSize: number | null;
  /** leader only */
  readonly learners: number | null;
  readonly syncedFollowers: number | null;
  readonly syncedObservers: number | null;
  readonly pendingSyncs: number | null;
  /** client sessions from cons, at most MAX_CLIENTS of them */
  readonly clients: readonly ClientSummary[];
  /** what went wrong in this poll (null when every word answered) */
  readonly error: string | null;
  readonly polledAt: string;
  readonly pollMs: number;
}

export interface FourLetterAnswers {
  readonly srvr: PromiseSettledResult<ServerStats>;
  readonly mntr: PromiseSettledResult<Mntr>;
  readonly cons: PromiseSettledResult<ClientConnection[]>;
  readonly wchs: PromiseSettledResult<WatchSummary>;
}

const MAX_CLIENTS = 100;
// The server's own sentence ("This ZooKeeper instance is not currently serving requests") says less.
const NOT_SERVING = 'not serving: no quorum (electing, syncing or cut off)';

export function memberAddress(member: MonitoredMember): string {
  return member.host.includes(':') ? `[${member.host}]:${member.port}` : `${member.host}:${member.port}`;
}

/** A member nobody has asked yet. */
export function unknownStatus(member: MonitoredMember): MemberStatus {
  return {
    ...emptyStatus(member),
    mode: 'unknown',
    polledAt: new Date(0).toISOString(),
    pollMs: 0,
  };
}

/**
 * Combines one round of answers. `srvr` decides the mode (it is the one word every server allows and
 * answers even without quorum); mntr, wchs and cons add detail, and each may fail on its own
 * (not whitelisted, lost quorum between two words) without hiding the rest.
 */
export function describeMember(
  member: MonitoredMember,
  answers: FourLetterAnswers,
  timing: { polledAt: Date; pollMs: number },
): MemberStatus {
  const base = {
    ...emptyStatus(member),
    polledAt: timing.polledAt.toISOString(),
    pollMs: Math.round(timing.pollMs),
  };
  if (answers.srvr.status === 'rejected') {
    return { ...base, mode: modeOfFailure(answers.srvr.reason), error: messageOf(answers.srvr.reason) };
  }
  const stats = answers.srvr.value;
  if (!stats.serving) return { ...base, mode: 'not-serving', up: true, error: NOT_SERVING };

  const mntr = answers.mntr.status === 'fulfilled' ? answers.mntr.value : undefined;
  const wchs = answers.wchs.status === 'fulfilled' ? answers.wchs.value : undefined;
  const cons = answers.cons.status === 'fulfilled' ? answers.cons.value : undefined;
  const failures = (['mntr', 'wchs', 'cons'] as const)
    .map((word) => answers[word])
    .filter((answer): answer is PromiseRejectedResult => answer.status === 'rejected')
    .map((answer) => messageOf(answer.reason));

  return {
    ...base,
    role:
      base.role ??
      (stats.mode === 'observer' ? 'observer' : stats.mode === 'standalone' ? null : 'participant'),
    mode: stats.mode,
    up: true,
    serving: true,
    version: stats.version,
    zxid: hexZxid(stats.zxid),
    epoch: Number(BigInt.asUintN(64, stats.zxid) >> 32n),
    latency: mntr
      ? { minMs: mntr.minLatencyMs, avgMs: mntr.avgLatencyMs, maxMs: mntr.maxLatencyMs }
      : stats.latency,
    outstanding: mntr?.outstandingRequests ?? stats.outstanding,
    connections: mntr?.aliveConnections ?? stats.connections,
    watches: wchs?.totalWatches ?? mntr?.watchCount ?? null,
    watchedPaths: wchs?.paths ?? null,
    znodes: mntr?.znodeCount ?? stats.nodeCount,
    ephemerals: mntr?.ephemeralsCount ?? null,
    dataSizeBytes: mntr?.approximateDataSizeBytes ?? null,
    packetsReceived: mntr?.packetsReceived ?? stats.received,
    packetsSent: mntr?.packetsSent ?? stats.sent,
    openFileDescriptors: mntr?.openFileDescriptorCount ?? null,
    quorumSize: mntr?.quorumSize ?? null,
    learners: mntr?.learners ?? null,
    syncedFollowers: mntr?.syncedFollowers ?? null,
    syncedObservers: mntr?.syncedObservers ?? null,
    pendingSyncs: mntr?.pendingSyncs ?? null,
    // Connections without a session are four-letter-word probes like the monitor's own.
    clients: (cons ?? [])
      .filter((connection) => connection.session !== undefined)
      .slice(0, MAX_CLIENTS)
      .map(summariseClient),
    error: failures.length > 0 ? failures.join('; ') : null,
  };
}

/** A zxid as ZooKeeper prints it: unsigned hex. -1 (no transaction yet) prints as 0xffffffffffffffff. */
export function hexZxid(zxid: bigint): string {
  return `0x${BigInt.asUintN(64, zxid).toString(16)}`;
}

function modeOfFailure(error: unknown): MemberMode {
  if (error instanceof FourLetterWordError) {
    if (error.reason === 'timeout') return 'unresponsive';
    if (error.reason === 'not-serving') return 'not-serving';
  }
  return 'down';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function summariseClient(connection: ClientConnection): ClientSummary {
  return {
    address: connection.address,
    sessionId: connection.session ? hexZxid(connection.session.sessionId) : null,
    lastOperation: connection.session?.lastOperation ?? null,
    queued: connection.queued,
    received: connection.received,
    sent: connection.sent,
    avgLatencyMs: connection.session?.avgLatencyMs ?? null,
  };
}

function emptyStatus(member: MonitoredMember): Omit<MemberStatus, 'mode' | 'polledAt' | 'pollMs'> {
  return {
    id: member.id,
    address: memberAddress(member),
    role: member.role ?? null,
    up: false,
    serving: false,
    version: null,
    zxid: null,
    epoch: null,
    latency: null,
    outstanding: null,
    connections: null,
    watches: null,
    watchedPaths: null,
    znodes: null,
    ephemerals: null,
    dataSizeBytes: null,
    packetsReceived: null,
    packetsSent: null,
    openFileDescriptors: null,
    quorumSize: null,
    learners: null,
    syncedFollowers: null,
    syncedObservers: null,
    pendingSyncs: null,
    clients: [],
    error: null,
  };
}
