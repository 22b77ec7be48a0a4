import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { JuteReader } from '../jute/reader.ts';
import { readAclList, type ACL, type Stat } from '../jute/records.ts';
import { adler32 } from './adler32.ts';
import { PersistenceFormatError } from './errors.ts';
import { FORMAT_VERSION, SNAPSHOT_MAGIC, magicText, readFileHeader, type FileHeader } from './file-header.ts';

/**
 * A snapshot (`version-2/snapshot.<zxid>`), one jute stream:
 *
 *   FileHeader { magic "ZKSN", version 2, dbid -1 }
 *   int count, then count × { long sessionId; int timeoutMs }        live sessions
 *   int count, then count × { long index; vector<ACL> acl }          the ACL cache: nodes refer to
 *                                                                    an ACL list by index
 *   node*: ustring path; buffer data; long aclIndex; StatPersisted   depth first, root path ""
 *   ustring "/"                                                      end of the tree
 *   seal:  long Adler-32 of every byte before it; ustring "/"
 *   since 3.6, when the digest is on: ZxidDigest { long zxid; int version; long digest } + seal
 *   since 3.9: long lastProcessedZxid + seal
 *
 * The zxid in the name is the last one applied when the snapshot *started*: it is fuzzy, written
 * while transactions keep applying, and the log entries after that zxid are replayed over it.
 */
/**
 * The Stat a server keeps on disk: the client's Stat without the two fields it derives on reading
 * (dataLength, numChildren). Container and TTL nodes keep marker values in ephemeralOwner.
 */
export type StatPersisted = Omit<Stat, 'dataLength' | 'numChildren'>;

export interface SnapshotNode {
  path: string;
  data: Buffer | null;
  aclIndex: bigint;
  acl: ACL[];
  stat: StatPersisted;
  children: string[];
}

export interface SnapshotSession {
  sessionId: bigint;
  timeoutMs: number;
}

export interface SnapshotFile {
  file: string;
  header: FileHeader;
  sessions: SnapshotSession[];
  acls: Map<bigint, ACL[]>;
  /** every znode by path, in the order the snapshot lists them (depth first) */
  nodes: Map<string, SnapshotNode>;
  checksum: number;
  digest: { zxid: bigint; version: number; value: bigint } | undefined;
  lastProcessedZxid: bigint | undefined;
}

const SEAL_BYTES = 8 + 4 + 1;
const ZXID_DIGEST_BYTES = 8 + 4 + 8;
const LAST_ZXID_BYTES = 8;

export async function readSnapshotFile(file: string): Promise<SnapshotFile> {
  const raw = await readFile(file);
  // snapshot.compression.method=gz names the file snapshot.<zxid>.gz; snappy is not supported here.
  if (file.endsWith('.snappy')) {
    throw new PersistenceFormatError(
      file,
      0,
      'snappy-compressed snapshots are not supported; use gz or none',
    );
  }
  return decodeSnapshot(file, file.endsWith('.gz') ? gunzipSync(raw) : raw);
}

export function decodeSnapshot(file: string, bytes: Buffer): SnapshotFile {
  const reader = new JuteReader(bytes);
  const at = (): number => bytes.length - reader.remaining;
  const fail = (problem: string, error?: unknown): never => {
    throw new PersistenceFormatError(file, at(), problem, error === undefined ? undefined : { cause: error });
  };
  try {
    const header = readFileHeader(reader);
    if (header.magic !== SNAPSHOT_MAGIC)
      fail(`magic "${magicText(header.magic)}" is not ZKSN: not a snapshot`);
    if (header.version !== FORMAT_VERSION)
      fail(`format version ${header.version}, expected ${FORMAT_VERSION}`);

    const sessions: SnapshotSession[] = [];
    for (let count = reader.readInt(); count > 0; count--) {
      sessions.push({ sessionId: reader.readLong(), timeoutMs: reader.readInt() });
    }

    const acls = new Map<bigint, ACL[]>();
    for (let count = reader.readInt(); count > 0; count--) {
      const index = reader.readLong();
      acls.set(index, readAclList(reader));
    }

    const nodes = new Map<string, SnapshotNode>();
    for (;;) {
      const rawPath = reader.readString();
      if (rawPath === '/') break;
      if (rawPath === null) fail('node path is null');
      // The root is written with the empty path.
      const path = rawPath === '' ? '/' : (rawPath as string);
      const data = reader.readBuffer();
      const aclIndex = reader.readLong();
      const stat: StatPersisted = {
        czxid: reader.readLong(),
        mzxid: reader.readLong(),
        ctime: reader.readLongAsNumber(),
        mtime: reader.readLongAsNumber(),
        version: reader.readInt(),
        cversion: reader.readInt(),
        aversion: reader.readInt(),
        ephemeralOwner: reader.readLong(),
        pzxid: reader.readLong(),
      };
      // -1 is the index of OPEN_ACL_UNSAFE when the cache does not hold it.
      const acl =
        acls.get(aclIndex) ??
        (aclIndex === -1n ? [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] : []);
      nodes.set(path, { path, data, aclIndex, acl, stat, children: [] });
    }
    for (const node of nodes.values()) {
      if (node.path === '/') continue;
      const parentPath = node.path.slice(0, node.path.lastIndexOf('/')) || '/';
      nodes.get(parentPath)?.children.push(node.path.slice(parentPath === '/' ? 1 : parentPath.length + 1));
    }

    const checksum = readSeal(reader, bytes, at, fail);
    let digest: SnapshotFile['digest'];
    let lastProcessedZxid: bigint | undefined;
    if (reader.remaining >= ZXID_DIGEST_BYTES + SEAL_BYTES) {
      digest = { zxid: reader.readLong(), version: reader.readInt(), value: reader.readLong() };
      readSeal(reader, bytes, at, fail);
    }
    if (reader.remaining >= LAST_ZXID_BYTES + SEAL_BYTES) {
      lastProcessedZxid = reader.readLong();
      readSeal(reader, bytes, at, fail);
    }
    if (reader.remaining !== 0) fail(`${reader.remaining} unexpected bytes after the last seal`);
    return { file, header, sessions, acls, nodes, checksum, digest, lastProcessedZxid };
  } catch (error) {
    if (error instanceof PersistenceFormatError) throw error;
    return fail(`does not decode as a snapshot: ${(error as Error).message}`, error);
  }
}

/** A seal is the running Adler-32 of everything before it, then the string "/". */
function readSeal(
  reader: JuteReader,
  bytes: Buffer,
  at: () => number,
  fail: (problem: string) => never,
): number {
  const expected = adler32(bytes, 0, at());
  const stored = Number(reader.readLong());
  if (reader.readString() !== '/') fail('seal is not followed by "/"');
  if (stored !== expected) {
    fail(
      `checksum 0x${stored.toString(16)} does not match Adler-32 0x${expected.toString(16)} of the bytes before it`,
    );
  }
  return stored;
}
