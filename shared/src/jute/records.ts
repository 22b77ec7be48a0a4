import { JuteDecodeError, type JuteReader } from './reader.ts';
import type { JuteWriter } from './writer.ts';

/** The metadata ZooKeeper keeps for every znode (org.apache.zookeeper.data.Stat). zxids are 64-bit. */
export interface Stat {
  /** zxid of the transaction that created the node */
  czxid: bigint;
  /** zxid of the last data change */
  mzxid: bigint;
  /** creation time, ms since the epoch */
  ctime: number;
  /** last data change time, ms since the epoch */
  mtime: number;
  /** number of data changes */
  version: number;
  /** number of child changes */
  cversion: number;
  /** number of ACL changes */
  aversion: number;
  /** session id of the owner if the node is ephemeral, else 0 (also 0 for container and TTL nodes) */
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  /** zxid of the last change to the children */
  pzxid: bigint;
}

export interface Id {
  scheme: string;
  id: string;
}

export interface ACL {
  /** bit set of Perms */
  perms: number;
  id: Id;
}

export function readStat(reader: JuteReader): Stat {
  return {
    czxid: reader.readLong(),
    mzxid: reader.readLong(),
    ctime: reader.readLongAsNumber(),
    mtime: reader.readLongAsNumber(),
    version: reader.readInt(),
    cversion: reader.readInt(),
    aversion: reader.readInt(),
    ephemeralOwner: reader.readLong(),
    dataLength: reader.readInt(),
    numChildren: reader.readInt(),
    pzxid: reader.readLong(),
  };
}

export function writeStat(writer: JuteWriter, stat: Stat): void {
  writer
    .writeLong(stat.czxid)
    .writeLong(stat.mzxid)
    .writeLong(BigInt(stat.ctime))
    .writeLong(BigInt(stat.mtime))
    .writeInt(stat.version)
    .writeInt(stat.cversion)
    .writeInt(stat.aversion)
    .writeLong(stat.ephemeralOwner)
    .writeInt(stat.dataLength)
    .writeInt(stat.numChildren)
    .writeLong(stat.pzxid);
}

export function writeAclList(writer: JuteWriter, acl: readonly ACL[]): void {
  writer.writeVector(acl, (w, entry) => {
    w.writeInt(entry.perms).writeString(entry.id.scheme).writeString(entry.id.id);
  });
}

export function readAclList(reader: JuteReader): ACL[] {
  const acl = reader.readVector((r) => {
    const perms = r.readInt();
    const scheme = r.readString() ?? '';
    const id = r.readString() ?? '';
    return { perms, id: { scheme, id } };
  });
  // Every znode has an ACL; a null list would read as "nobody may do anything".
  if (acl === null) throw new JuteDecodeError('ACL list is null (length -1)');
  return acl;
}

/** First packet of every connection; it has no RequestHeader. */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeoutMs: number;
  sessionId: bigint;
  password: Uint8Array;
  /** Appended after the record by clients since 3.4: "I accept a read-only server". */
  readOnly: boolean;
}

export function writeConnectRequest(writer: JuteWriter, request: ConnectRequest): void {
  writer
    .writeInt(request.protocolVersion)
    .writeLong(request.lastZxidSeen)
    .writeInt(request.timeoutMs)
    .writeLong(request.sessionId)
    .writeBuffer(request.password)
    .writeBool(request.readOnly);
}

export interface ConnectResponse {
  protocolVersion: number;
  /** Negotiated session timeout; 0 or less means the session has expired. */
  timeoutMs: number;
  sessionId: bigint;
  password: Buffer;
  readOnly: boolean;
}

export function readConnectResponse(reader: JuteReader): ConnectResponse {
  const protocolVersion = reader.readInt();
  const timeoutMs = reader.readInt();
  const sessionId = reader.readLong();
  const password = reader.readBuffer();
  if (password === null) throw new JuteDecodeError('session password is null (length -1)');
  // Servers before 3.4 do not send the read-only flag.
  const readOnly = reader.remaining > 0 ? reader.readBool() : false;
  return { protocolVersion, timeoutMs, sessionId, password, readOnly };
}

export interface RequestHeader {
  xid: number;
  type: number;
}

export function writeRequestHeader(writer: JuteWriter, header: RequestHeader): void {
  writer.writeInt(header.xid).writeInt(header.type);
}

export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

export function readReplyHeader(reader: JuteReader): ReplyHeader {
  return { xid: reader.readInt(), zxid: reader.readLong(), err: reader.readInt() };
}

export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

export function readWatcherEvent(reader: JuteReader): WatcherEvent {
  return { type: reader.readInt(), state: reader.readInt(), path: reader.readString() ?? '' };
}

/** Precedes every operation inside a multi request and every result inside a multi response. */
export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}

export function writeMultiHeader(writer: JuteWriter, header: MultiHeader): void {
  writer.writeInt(header.type).writeBool(header.done).writeInt(header.err);
}

export function readMultiHeader(reader: JuteReader): MultiHeader {
  return { type: reader.readInt(), done: reader.readBool(), err: reader.readInt() };
}
