import { FourLetterParseError } from './errors.ts';
import { parseDecimal, parseJavaLongHex } from './numbers.ts';

/** What `cons` says about a connection whose session is established (absent while connecting). */
export interface ConnectionSession {
  /** `sid` */
  readonly sessionId: bigint;
  /** `lop`: last operation, e.g. PING, GETD, CREA. */
  readonly lastOperation: string;
  /** `est`: when the connection was established, epoch milliseconds. */
  readonly establishedAt: number;
  /** `to`: negotiated session timeout. */
  readonly sessionTimeoutMs: number;
  /** `lcxid`: the client's last request xid. */
  readonly lastCxid: number;
  /** `lzxid`: the last zxid answered on this connection; -1n before any. */
  readonly lastZxid: bigint;
  /** `lresp`: time of the last response on the server's monotonic clock (ms), not epoch time. */
  readonly lastResponseTime: number;
  /** `llat`, `minlat`, `avglat`, `maxlat`: request latencies in ms. */
  readonly lastLatencyMs: number;
  readonly minLatencyMs: number;
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
}

/** One client connection as listed by `cons` (full) or `stat` (only address and counters). */
export interface ClientConnection {
  /** Remote address as `ip:port`. */
  readonly address: string;
  /** NIO interest ops at the time of the dump (1 = waiting to read). */
  readonly interestOps: number;
  readonly queued: number;
  /** `recved` */
  readonly received: number;
  readonly sent: number;
  readonly session?: ConnectionSession;
  /** Every `key=value` field as the server printed it, including ones this parser does not know. */
  readonly fields: Readonly<Record<string, string>>;
}

// " /127.0.0.1:43240[1](queued=0,recved=7,sent=7,sid=0x1000...,lop=PING,...)"
const CONNECTION_LINE = /^\s*(\S+)\[(\d+)\]\((.*)\)\s*$/;

export function parseConnectionLine(word: string, line: string): ClientConnection {
  const match = CONNECTION_LINE.exec(line);
  if (!match) throw new FourLetterParseError(word, `not a connection line: "${line}"`, line);
  const [, rawAddress = '', interestOps = '', rawFields = ''] = match;

  // No prototype: a field named "__proto__" or "constructor" is kept as data, not taken for a member.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of rawFields.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) fields[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const number = (key: string) => {
    const value = fields[key];
    if (value === undefined) throw new FourLetterParseError(word, `connection line lacks "${key}"`, line);
    return parseDecimal(word, value);
  };
  const hex = (key: string) => parseJavaLongHex(word, fields[key] ?? '');

  return {
    // Java prints InetSocketAddress as "hostname/ip:port", with an empty hostname when unresolved.
    address: rawAddress.slice(rawAddress.lastIndexOf('/') + 1),
    interestOps: Number(interestOps),
    queued: number('queued'),
    received: number('recved'),
    sent: number('sent'),
    ...(fields.sid === undefined
      ? {}
      : {
          session: {
            sessionId: hex('sid'),
            lastOperation: fields.lop ?? '',
            establishedAt: number('est'),
            sessionTimeoutMs: number('to'),
            lastCxid: Number(hex('lcxid')),
            lastZxid: hex('lzxid'),
            lastResponseTime: number('lresp'),
            lastLatencyMs: number('llat'),
            minLatencyMs: number('minlat'),
            avgLatencyMs: number('avglat'),
            maxLatencyMs: number('maxlat'),
          },
        }),
    fields,
  };
}

/** Parses the answer to `cons`: one line per connection, the asking connection included. */
export function parseCons(text: string): ClientConnection[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseConnectionLine('cons', line));
}
