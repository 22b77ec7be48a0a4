import { JuteDecodeError, JuteReader } from '../jute/reader.ts';
import { OpCode } from '../jute/protocol.ts';
import { readAclList, type ACL } from '../jute/records.ts';

/**
 * The records inside one transaction-log entry (zookeeper.jute, module org.apache.zookeeper.txn):
 * a TxnHeader, then a body whose shape depends on the header's type, then — since 3.6, when the
 * tree digest is enabled (the default) — a TxnDigest of the tree after this transaction.
 */
export interface TxnHeader {
  /** the session that asked for the change */
  clientId: bigint;
  /** the client's own request counter (the xid on the wire) */
  cxid: number;
  zxid: bigint;
  /** the leader's clock when it proposed the transaction, ms since the epoch */
  time: number;
  type: number;
}

export type TxnBody =
  | { kind: 'createSession'; timeoutMs: number }
  | { kind: 'closeSession'; ephemeralsToDelete: string[] | undefined }
  | {
      kind: 'create';
      path: string;
      data: Buffer | null;
      acl: ACL[];
      ephemeral: boolean;
      parentCversion: number;
    }
  | { kind: 'createContainer'; path: string; data: Buffer | null; acl: ACL[]; parentCversion: number }
  | {
      kind: 'createTTL';
      path: string;
      data: Buffer | null;
      acl: ACL[];
      parentCversion: number;
      ttlMs: bigint;
    }
  | { kind: 'delete'; path: string }
  | { kind: 'setData'; path: string; data: Buffer | null; version: number }
  | { kind: 'setACL'; path: string; acl: ACL[]; version: number }
  | { kind: 'check'; path: string; version: number }
  | { kind: 'error'; code: number }
  | { kind: 'multi'; operations: { type: number; body: TxnBody }[] }
  | { kind: 'unknown'; bytes: Buffer };

export interface TxnDigest {
  version: number;
  treeDigest: bigint;
}

export interface Transaction {
  header: TxnHeader;
  body: TxnBody;
  digest: TxnDigest | undefined;
}

const TXN_DIGEST_BYTES = 12;

const TYPE_NAMES = new Map<number, string>(Object.entries(OpCode).map(([name, code]) => [code, name]));

export function txnTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `type ${type}`;
}

/** Decodes the bytes of one log entry (what the entry's checksum covers). */
export function decodeTransaction(bytes: Buffer): Transaction {
  const reader = new JuteReader(bytes);
  const header: TxnHeader = {
    clientId: reader.readLong(),
    cxid: reader.readInt(),
    zxid: reader.readLong(),
    time: reader.readLongAsNumber(),
    type: reader.readInt(),
  };
  const known = readBody(reader, header.type, true);
  if (known === undefined) {
    // Without the body's shape there is no telling where a digest would start: keep the bytes.
    return {
      header,
      body: { kind: 'unknown', bytes: bytes.subarray(bytes.length - reader.remaining) },
      digest: undefined,
    };
  }
  const body = known;
  const digest =
    reader.remaining >= TXN_DIGEST_BYTES
      ? { version: reader.readInt(), treeDigest: reader.readLong() }
      : undefined;
  if (reader.remaining !== 0) {
    throw new JuteDecodeError(
      `${reader.remaining} bytes left after a ${txnTypeName(header.type)} transaction`,
    );
  }
  return { header, body, digest };
}

function readBody(reader: JuteReader, type: number, topLevel: boolean): TxnBody | undefined {
  switch (type) {
    case OpCode.createSession:
      return { kind: 'createSession', timeoutMs: reader.readInt() };
    case OpCode.closeSession:
      return { kind: 'closeSession', ephemeralsToDelete: readCloseSession(reader, topLevel) };
    case OpCode.create:
    case OpCode.create2:
      return {
        kind: 'create',
        path: requiredString(reader, 'path'),
        data: reader.readBuffer(),
        acl: readAclList(reader),
        ephemeral: reader.readBool(),
        parentCversion: reader.readInt(),
      };
    case OpCode.createContainer:
      return {
        kind: 'createContainer',
        path: requiredString(reader, 'path'),
        data: reader.readBuffer(),
        acl: readAclList(reader),
        parentCversion: reader.readInt(),
      };
    case OpCode.createTTL:
      return {
        kind: 'createTTL',
        path: requiredString(reader, 'path'),
        data: reader.readBuffer(),
        acl: readAclList(reader),
        parentCversion: reader.readInt(),
        ttlMs: reader.readLong(),
      };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { kind: 'delete', path: requiredString(reader, 'path') };
    // A reconfig is logged as a setData of /zookeeper/config.
    case OpCode.setData:
    case OpCode.reconfig:
      return {
        kind: 'setData',
        path: requiredString(reader, 'path'),
        data: reader.readBuffer(),
        version: reader.readInt(),
      };
    case OpCode.setACL:
      return {
        kind: 'setACL',
        path: requiredString(reader, 'path'),
        acl: readAclList(reader),
        version: reader.readInt(),
      };
    case OpCode.check:
      return { kind: 'check', path: requiredString(reader, 'path'), version: reader.readInt() };
    case OpCode.error:
      return { kind: 'error', code: reader.readInt() };
    case OpCode.multi:
      return { kind: 'multi', operations: readMulti(reader) };
    default:
      return undefined;
  }
}

/**
 * MultiTxn { vector<Txn> txns } with Txn { int type; buffer data }: each operation's body is
 * serialised on its own into a buffer, so a failed multi can log ErrorTxn entries in place.
 */
function readMulti(reader: JuteReader): { type: number; body: TxnBody }[] {
  const operations = reader.readVector((item) => {
    const type = item.readInt();
    const bytes = item.readBuffer() ?? Buffer.alloc(0);
    const inner = new JuteReader(bytes);
    const body = readBody(inner, type, false) ?? { kind: 'unknown' as const, bytes };
    return { type, body };
  });
  return operations ?? [];
}

/**
 * Servers before 3.6 log closeSession with no body; 3.6+ log CloseSessionTxn { vector<ustring>
 * paths2Delete } (the session's ephemerals) when closeSessionTxn is enabled, the default. What follows
 * the body is either nothing or a 12-byte digest, so the sizes tell the two apart.
 */
function readCloseSession(reader: JuteReader, topLevel: boolean): string[] | undefined {
  if (reader.remaining === 0 || (topLevel && reader.remaining === TXN_DIGEST_BYTES)) return undefined;
  return reader.readStringVector('ephemerals to delete');
}

function requiredString(reader: JuteReader, what: string): string {
  const value = reader.readString();
  if (value === null) throw new JuteDecodeError(`${what} is null`);
  return value;
}
