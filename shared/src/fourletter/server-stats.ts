import { parseConnectionLine, type ClientConnection } from './connections.ts';
import { FourLetterParseError } from './errors.ts';
import { keyValueLines, parseDecimal, parseJavaLongHex } from './numbers.ts';
import { isNotServingAnswer } from './server-answers.ts';

/** What a server says it is. `read-only` appears only with -Dreadonlymode.enabled=true and no quorum. */
export const SERVER_MODES = ['leader', 'follower', 'observer', 'standalone', 'read-only'] as const;
export type ServerMode = (typeof SERVER_MODES)[number];

export interface LatencyStats {
  readonly minMs: number;
  readonly avgMs: number;
  readonly maxMs: number;
}

/** The answer to `srvr` (and `stat`, which adds `clients`) from a server that is serving requests. */
export interface ServingServerStats {
  readonly serving: true;
  readonly version: string;
  readonly latency: LatencyStats;
  readonly received: number;
  readonly sent: number;
  readonly connections: number;
  readonly outstanding: number;
  readonly zxid: bigint;
  readonly mode: ServerMode;
  readonly nodeCount: number;
  /** Leader only: sizes in bytes of the last, smallest and largest proposal (-1 before any). */
  readonly proposalSizes?: { readonly last: number; readonly min: number; readonly max: number };
  /** `stat` only. */
  readonly clients?: readonly ClientConnection[];
}

/**
 * A server that is up but not part of a working quorum (no leader yet, or still syncing) answers
 * with a fixed sentence instead of its statistics. It is a normal state, not an error.
 */
export interface NotServingServerStats {
  readonly serving: false;
  readonly message: string;
}

export type ServerStats = ServingServerStats | NotServingServerStats;

export function isServerMode(text: string): text is ServerMode {
  return (SERVER_MODES as readonly string[]).includes(text);
}

const PROPOSAL_SIZES = 'Proposal sizes last/min/max';

/** Parses the answer to `srvr` or `stat`. */
export function parseServerStats(text: string, word: 'srvr' | 'stat' = 'srvr'): ServerStats {
  if (isNotServingAnswer(text)) return { serving: false, message: text.trim() };

  const values = new Map(keyValueLines(text, ': '));
  const required = (key: string) => {
    const value = values.get(key);
    if (value === undefined) throw new FourLetterParseError(word, `no "${key}" line`, text);
    return value;
  };
  const triple = (key: string) => {
    const parts = required(key).split('/');
    if (parts.length !== 3) throw new FourLetterParseError(word, `"${key}" is not a/b/c`, text);
    return parts.map((part) => parseDecimal(word, part)) as [number, number, number];
  };

  const mode = required('Mode');
  if (!isServerMode(mode)) throw new FourLetterParseError(word, `unknown mode "${mode}"`, text);
  const [minMs, avgMs, maxMs] = triple('Latency min/avg/max');

  const proposalSizes = values.has(PROPOSAL_SIZES) ? triple(PROPOSAL_SIZES) : undefined;

  return {
    serving: true,
    version: required('Zookeeper version'),
    latency: { minMs, avgMs, maxMs },
    received: parseDecimal(word, required('Received')),
    sent: parseDecimal(word, required('Sent')),
    connections: parseDecimal(word, required('Connections')),
    outstanding: parseDecimal(word, required('Outstanding')),
    zxid: parseJavaLongHex(word, required('Zxid')),
    mode,
    nodeCount: parseDecimal(word, required('Node count')),
    ...(proposalSizes && {
      proposalSizes: { last: proposalSizes[0], min: proposalSizes[1], max: proposalSizes[2] },
    }),
    ...(word === 'stat' && { clients: parseStatClients(text) }),
  };
}

// `stat` lists clients between a "Clients:" line and the first blank line.
function parseStatClients(text: string): ClientConnection[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Clients:');
  if (start < 0) return [];
  const clients: ClientConnection[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    clients.push(parseConnectionLine('stat', line));
  }
  return clients;
}
