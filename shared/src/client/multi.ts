import { JuteDecodeError, type JuteReader } from '../jute/reader.ts';
import type { JuteWriter } from '../jute/writer.ts';
import { CreateFlags, ErrorCodes, OpCode } from '../jute/protocol.ts';
import { readMultiHeader, readStat, writeMultiHeader, type ACL, type Stat } from '../jute/records.ts';
import {
  writeCheckVersionRequest,
  writeCreateRequest,
  writeCreateTtlRequest,
  writeDeleteRequest,
  writePathWatchRequest,
  writeSetDataRequest,
} from '../jute/requests.ts';
import { OPEN_ACL_UNSAFE } from './acl.ts';
import { createOpCode, isSequential, validateCreateMode, type CreateMode } from './create-mode.ts';
import { toNodeBytes, type NodeData } from './data.ts';
import { ZooKeeperError, type ZooKeeperErrorDetails } from './errors.ts';
import { validatePath, type Chroot } from './paths.ts';

/**
 * Transactions: several writes applied atomically — all or none — in one request. A `check`
 * asserts a node's version without changing it, which is how optimistic concurrency spans nodes.
 */
export type MultiOp =
  | {
      type: 'create';
      path: string;
      data?: NodeData | null;
      mode?: CreateMode;
      acl?: readonly ACL[];
      ttlMs?: number;
    }
  | { type: 'delete'; path: string; version?: number }
  | { type: 'setData'; path: string; data: NodeData | null; version?: number }
  | { type: 'check'; path: string; version: number };

export type MultiResult =
  /** servers report the Stat of a created node only outside a multi (3.8 returns the path alone) */
  | { type: 'create'; path: string; stat?: Stat }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' };

/** Small constructors so a transaction reads like a list of steps. */
export const op = {
  create: (
    path: string,
    data?: NodeData | null,
    options: { mode?: CreateMode; acl?: readonly ACL[]; ttlMs?: number } = {},
  ): MultiOp => ({
    type: 'create',
    path,
    data,
    ...options,
  }),
  delete: (path: string, version = -1): MultiOp => ({ type: 'delete', path, version }),
  setData: (path: string, data: NodeData | null, version = -1): MultiOp => ({
    type: 'setData',
    path,
    data,
    version,
  }),
  check: (path: string, version: number): MultiOp => ({ type: 'check', path, version }),
};

/** One failed operation sinks the transaction; the error names it and carries every op's outcome. */
export class MultiError extends ZooKeeperError {
  override name = 'MultiError';
  constructor(
    code: ZooKeeperError['code'],
    details: ZooKeeperErrorDetails,
    /** index in the op list of the first operation that failed */
    readonly failedIndex: number,
    /** per operation: "ok" (would have applied), the failing code, or RUNTIMEINCONSISTENCY (not attempted) */
    readonly results: readonly ('ok' | ZooKeeperError['code'])[],
  ) {
    super(code, details);
  }
}

export function writeMultiOps(writer: JuteWriter, ops: readonly MultiOp[], chroot: Chroot): void {
  for (const operation of ops) {
    const path = chroot.toServer(operation.path);
    switch (operation.type) {
      case 'create': {
        const mode = operation.mode ?? 'persistent';
        const opCode = createOpCode(mode, false);
        writeMultiHeader(writer, { type: opCode, done: false, err: -1 });
        const data = toNodeBytes(operation.data);
        const acl = operation.acl ?? OPEN_ACL_UNSAFE;
        if (opCode === OpCode.createTTL) {
          writeCreateTtlRequest(writer, path, data, acl, CreateFlags[mode], operation.ttlMs ?? 0);
        } else writeCreateRequest(writer, path, data, acl, CreateFlags[mode]);
        break;
      }
      case 'delete':
        writeMultiHeader(writer, { type: OpCode.delete, done: false, err: -1 });
        writeDeleteRequest(writer, path, operation.version ?? -1);
        break;
      case 'setData':
        writeMultiHeader(writer, { type: OpCode.setData, done: false, err: -1 });
        writeSetDataRequest(writer, path, toNodeBytes(operation.data), operation.version ?? -1);
        break;
      case 'check':
        writeMultiHeader(writer, { type: OpCode.check, done: false, err: -1 });
        writeCheckVersionRequest(writer, path, operation.version);
        break;
    }
  }
  writeMultiHeader(writer, { type: -1, done: true, err: -1 });
}

export function validateMultiOps(ops: readonly MultiOp[], operation: string): void {
  if (!Array.isArray(ops))
    throw new ZooKeeperError('BADARGUMENTS', { operation, detail: 'ops must be an array' });
  for (const entry of ops) {
    if (entry.type === 'create') {
      const mode = entry.mode ?? 'persistent';
      validatePath(entry.path, { sequential: isSequential(mode), operation });
      validateCreateMode(mode, entry.ttlMs, { operation, path: entry.path });
    } else if (entry.type === 'delete' || entry.type === 'setData' || entry.type === 'check') {
      validatePath(entry.path, { operation });
    } else {
      throw new ZooKeeperError('BADARGUMENTS', {
        operation,
        detail: `unknown op type "${(entry as { type: string }).type}"`,
      });
    }
  }
}

export function readMultiResults(body: JuteReader, ops: readonly MultiOp[], chroot: Chroot): MultiResult[] {
  const results: MultiResult[] = [];
  const outcomes: ('ok' | ZooKeeperError['code'])[] = [];
  let failed = -1;
  let failedCode = 0;
  for (;;) {
    const header = readMultiHeader(body);
    if (header.done) break;
    const index = outcomes.length;
    switch (header.type) {
      case OpCode.create:
        results.push({ type: 'create', path: chroot.fromServer(body.readString() ?? '') });
        break;
      case OpCode.create2:
        results.push({
          type: 'create',
          path: chroot.fromServer(body.readString() ?? ''),
          stat: readStat(body),
        });
        break;
      case OpCode.delete:
        results.push({ type: 'delete' });
        break;
      case OpCode.setData:
        results.push({ type: 'setData', stat: readStat(body) });
        break;
      case OpCode.check:
        results.push({ type: 'check' });
        break;
      case OpCode.error: {
        const err = body.readInt();
        outcomes.push(err === 0 ? 'ok' : ZooKeeperError.fromWire(err).code);
        if (err !== 0 && err !== ErrorCodes.RUNTIMEINCONSISTENCY && failed < 0) {
          failed = index;
          failedCode = err;
        }
        continue;
      }
      default:
        throw new JuteDecodeError(`unexpected multi result type ${header.type}`);
    }
    outcomes.push('ok');
  }
  if (failed >= 0) {
    const failedOp = ops[failed];
    throw new MultiError(
      ZooKeeperError.fromWire(failedCode).code,
      { operation: `multi op ${failed} (${failedOp?.type ?? '?'})`, path: failedOp?.path },
      failed,
      outcomes,
    );
  }
  return results;
}

/** Read-only batch (ZooKeeper 3.6+): each read succeeds or fails on its own, from one consistent view. */
export type ReadOp = { type: 'getData'; path: string } | { type: 'getChildren'; path: string };

export type ReadResult =
  /** as getData: `data` empty and `dataIsNull` true for a node with null data */
  | { type: 'getData'; data: Buffer; stat: Stat; dataIsNull: boolean }
  | { type: 'getChildren'; children: string[] }
  | { type: 'error'; error: ZooKeeperError };

export function writeReadOps(writer: JuteWriter, ops: readonly ReadOp[], chroot: Chroot): void {
  for (const entry of ops) {
    const opCode = entry.type === 'getData' ? OpCode.getData : OpCode.getChildren;
    writeMultiHeader(writer, { type: opCode, done: false, err: -1 });
    writePathWatchRequest(writer, chroot.toServer(entry.path), false);
  }
  writeMultiHeader(writer, { type: -1, done: true, err: -1 });
}

export function readReadResults(body: JuteReader, ops: readonly ReadOp[]): ReadResult[] {
  const results: ReadResult[] = [];
  for (;;) {
    const header = readMultiHeader(body);
    if (header.done) break;
    const source = ops[results.length];
    switch (header.type) {
      case OpCode.getData: {
        const data = body.readBuffer();
        results.push({
          type: 'getData',
          data: data ?? Buffer.alloc(0),
          stat: readStat(body),
          dataIsNull: data === null,
        });
        break;
      }
      case OpCode.getChildren:
        results.push({ type: 'getChildren', children: body.readStringVector() });
        break;
      case OpCode.error:
        results.push({
          type: 'error',
          error: ZooKeeperError.fromWire(body.readInt(), {
            operation: `multiRead ${source?.type ?? ''}`,
            path: source?.path,
          }),
        });
        break;
      default:
        throw new JuteDecodeError(`unexpected multiRead result type ${header.type}`);
    }
  }
  return results;
}
