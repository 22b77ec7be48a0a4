import type { Direction, RecordedFrame } from './packet-recorder.ts';

/**
 * Reads recorded frames field by field, the way the server and the client do (Jute binary
 * encoding: big-endian ints and longs, int-length-prefixed strings and buffers with -1 for null,
 * int-count-prefixed vectors, records as their fields in order, no tags). Each field becomes a row
 * of a hex dump with its name and value.
 *
 * The first frame each way is the handshake, which has no header. After it, a request starts with
 * RequestHeader { int xid; int type }, a reply with ReplyHeader { int xid; long zxid; int err };
 * the reply's body depends on the request with the same xid, so requests are remembered. xid -1 is
 * a watch notification (WatcherEvent), -2 a ping.
 */
export interface Field {
  offset: number;
  bytes: Buffer;
  name: string;
  value: string;
}

export interface AnnotatedFrame {
  direction: Direction;
  /** "ConnectRequest", "create request", "getData reply", "watch event" … */
  title: string;
  fields: Field[];
}

// The request types this tracer annotates (zookeeper.jute / ZooDefs.OpCode); the client package
// keeps the full table internal.
const OpCode = {
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getChildren: 8,
  ping: 11,
  getChildren2: 12,
  create2: 15,
  createContainer: 19,
  closeSession: -11,
} as const;
const OP_NAMES = new Map<number, string>(Object.entries(OpCode).map(([name, code]) => [code, name]));
const EVENT_TYPES: Record<number, string> = {
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
};
const STATES: Record<number, string> = {
  0: 'Disconnected',
  3: 'SyncConnected',
  5: 'ConnectedReadOnly',
  [-112]: 'Expired',
};

class FieldReader {
  readonly fields: Field[] = [];
  private offset = 0;

  constructor(private readonly frame: Buffer) {}

  get remaining(): number {
    return this.frame.length - this.offset;
  }

  private take(length: number, name: string, value: string): void {
    this.fields.push({
      offset: this.offset,
      bytes: this.frame.subarray(this.offset, this.offset + length),
      name,
      value,
    });
    this.offset += length;
  }

  int(name: string, describe: (value: number) => string = String): number {
    const value = this.frame.readInt32BE(this.offset);
    this.take(4, name, describe(value));
    return value;
  }

  long(name: string, describe: (value: bigint) => string = (value) => `0x${value.toString(16)}`): bigint {
    const value = this.frame.readBigInt64BE(this.offset);
    this.take(8, name, describe(value));
    return value;
  }

  bool(name: string): boolean {
    const value = this.frame[this.offset] !== 0;
    this.take(1, name, String(value));
    return value;
  }

  /** A string or buffer: the length as its own row, then the bytes. */
  bytes(name: string, asText: boolean): Buffer | null {
    const length = this.int(`${name} length`, (value) => (value === -1 ? '-1 (null)' : String(value)));
    if (length <= 0) return length === 0 ? Buffer.alloc(0) : null;
    const bytes = this.frame.subarray(this.offset, this.offset + length);
    this.take(length, name, asText ? JSON.stringify(bytes.toString('utf8')) : `${length} bytes`);
    return bytes;
  }

  acl(name: string): void {
    const count = this.int(`${name} count`);
    for (let i = 0; i < count; i++) {
      this.int(
        `${name}[${i}].perms`,
        (perms) => `${perms} (${['r', 'w', 'c', 'd', 'a'].filter((_, bit) => perms & (1 << bit)).join('')})`,
      );
      this.bytes(`${name}[${i}].scheme`, true);
      this.bytes(`${name}[${i}].id`, true);
    }
  }

  stat(): void {
    this.long('stat.czxid');
    this.long('stat.mzxid');
    this.long('stat.ctime', (value) => new Date(Number(value)).toISOString());
    this.long('stat.mtime', (value) => new Date(Number(value)).toISOString());
    this.int('stat.version');
    this.int('stat.cversion');
    this.int('stat.aversion');
    this.long('stat.ephemeralOwner');
    this.int('stat.dataLength');
    this.int('stat.numChildren');
    this.long('stat.pzxid');
  }

  rest(name: string): void {
    if (this.remaining > 0) this.take(this.remaining, name, `${this.remaining} bytes not annotated`);
  }
}

export function annotateFrames(frames: readonly RecordedFrame[]): AnnotatedFrame[] {
  const requestTypes = new Map<number, number>();
  const handshakeSeen = { 'client→server': false, 'server→client': false };
  return frames.map((frame) => {
    const reader = new FieldReader(frame.bytes);
    reader.int('length', (value) => `${value} (bytes after this field)`);
    let title: string;
    if (!handshakeSeen[frame.direction]) {
      handshakeSeen[frame.direction] = true;
      title =
        frame.direction === 'client→server'
          ? annotateConnectRequest(reader)
          : annotateConnectResponse(reader);
    } else if (frame.direction === 'client→server') {
      title = annotateRequest(reader, requestTypes);
    } else {
      title = annotateReply(reader, requestTypes);
    }
    reader.rest('unannotated');
    return { direction: frame.direction, title, fields: reader.fields };
  });
}

function annotateConnectRequest(reader: FieldReader): string {
  reader.int('protocolVersion');
  reader.long('lastZxidSeen');
  reader.int('timeOut', (value) => `${value} ms (asked for)`);
  reader.long('sessionId', (value) => (value === 0n ? '0 (new session)' : `0x${value.toString(16)}`));
  reader.bytes('passwd', false);
  if (reader.remaining > 0) reader.bool('readOnly');
  return 'ConnectRequest';
}

function annotateConnectResponse(reader: FieldReader): string {
  reader.int('protocolVersion');
  reader.int('timeOut', (value) => `${value} ms (negotiated)`);
  reader.long('sessionId');
  reader.bytes('passwd', false);
  if (reader.remaining > 0) reader.bool('readOnly');
  return 'ConnectResponse';
}

function annotateRequest(reader: FieldReader, requestTypes: Map<number, number>): string {
  const xid = reader.int('xid', (value) => (value === -2 ? '-2 (ping)' : String(value)));
  const type = reader.int('type', (value) => `${value} (${OP_NAMES.get(value) ?? '?'})`);
  requestTypes.set(xid, type);
  const name = OP_NAMES.get(type) ?? `op ${type}`;
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      reader.bytes('path', true);
      reader.bytes('data', true);
      reader.acl('acl');
      reader.int(
        'flags',
        (value) =>
          `${value} (${['persistent', 'ephemeral', 'persistentSequential', 'ephemeralSequential', 'container'][value] ?? '?'})`,
      );
      break;
    case OpCode.getData:
    case OpCode.exists:
    case OpCode.getChildren:
    case OpCode.getChildren2:
      reader.bytes('path', true);
      reader.bool('watch');
      break;
    case OpCode.setData:
      reader.bytes('path', true);
      reader.bytes('data', true);
      reader.int('version', (value) => (value === -1 ? '-1 (any)' : String(value)));
      break;
    case OpCode.delete:
      reader.bytes('path', true);
      reader.int('version');
      break;
  }
  return `${name} request`;
}

function annotateReply(reader: FieldReader, requestTypes: Map<number, number>): string {
  const xid = reader.int('xid', (value) =>
    value === -1 ? '-1 (notification)' : value === -2 ? '-2 (ping)' : String(value),
  );
  reader.long('zxid', (value) => (value === -1n ? '-1 (none)' : `0x${value.toString(16)}`));
  const err = reader.int('err', (value) => (value === 0 ? '0 (OK)' : String(value)));
  if (xid === -1) {
    reader.int('type', (value) => `${value} (${EVENT_TYPES[value] ?? '?'})`);
    reader.int('state', (value) => `${value} (${STATES[value] ?? '?'})`);
    reader.bytes('path', true);
    return 'watch event';
  }
  const type = requestTypes.get(xid);
  const name = type === undefined ? 'reply' : `${OP_NAMES.get(type) ?? `op ${type}`} reply`;
  if (err !== 0) return name;
  switch (type) {
    case OpCode.create:
      reader.bytes('path', true);
      break;
    case OpCode.create2:
    case OpCode.createContainer:
      reader.bytes('path', true);
      reader.stat();
      break;
    case OpCode.getData:
      reader.bytes('data', true);
      reader.stat();
      break;
    case OpCode.exists:
    case OpCode.setData:
      reader.stat();
      break;
  }
  return name;
}

/** Rows of up to 16 bytes: offset, hex, field name and value. */
export function formatAnnotatedFrame(frame: AnnotatedFrame): string {
  const lines = [`${frame.direction}  ${frame.title}`];
  for (const field of frame.fields) {
    for (let start = 0; start < Math.max(field.bytes.length, 1); start += 16) {
      const part = field.bytes.subarray(start, start + 16);
      const hex = [...part].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
      const label = start === 0 ? `${field.name} = ${field.value}` : '';
      lines.push(`  ${(field.offset + start).toString().padStart(4)}  ${hex.padEnd(47)}  ${label}`.trimEnd());
    }
  }
  return lines.join('\n');
}
