import type { JuteWriter } from './writer.ts';
import { writeAclList, type ACL } from './records.ts';

/**
 * Request bodies, one function per record in zookeeper.jute. Each writes the fields in declaration
 * order; the RequestHeader (xid, opcode) is written by the caller.
 */

export function writePathWatchRequest(writer: JuteWriter, path: string, watch: boolean): void {
  // GetDataRequest, ExistsRequest, GetChildrenRequest and GetChildren2Request share this layout.
  writer.writeString(path).writeBool(watch);
}

export function writePathRequest(writer: JuteWriter, path: string): void {
  // SyncRequest, GetACLRequest, GetAllChildrenNumberRequest, GetEphemeralsRequest.
  writer.writeString(path);
}

export function writeCreateRequest(
  writer: JuteWriter,
  path: string,
  /** null is sent as length -1: a node whose data is null, not empty */
  data: Uint8Array | null,
  acl: readonly ACL[],
  flags: number,
): void {
  writer.writeString(path).writeBuffer(data);
  writeAclList(writer, acl);
  writer.writeInt(flags);
}

export function writeCreateTtlRequest(
  writer: JuteWriter,
  path: string,
  /** null is sent as length -1: a node whose data is null, not empty */
  data: Uint8Array | null,
  acl: readonly ACL[],
  flags: number,
  ttlMs: number,
): void {
  writeCreateRequest(writer, path, data, acl, flags);
  writer.writeLong(BigInt(ttlMs));
}

export function writeDeleteRequest(writer: JuteWriter, path: string, version: number): void {
  writer.writeString(path).writeInt(version);
}

/** CheckVersionRequest has the same layout as DeleteRequest. */
export const writeCheckVersionRequest = writeDeleteRequest;

export function writeSetDataRequest(
  writer: JuteWriter,
  path: string,
  /** null is sent as length -1: a node whose data is null, not empty */
  data: Uint8Array | null,
  version: number,
): void {
  writer.writeString(path).writeBuffer(data).writeInt(version);
}

export function writeSetAclRequest(
  writer: JuteWriter,
  path: string,
  acl: readonly ACL[],
  version: number,
): void {
  writer.writeString(path);
  writeAclList(writer, acl);
  writer.writeInt(version);
}

export function writeAuthPacket(writer: JuteWriter, scheme: string, auth: Uint8Array): void {
  writer.writeInt(0).writeString(scheme).writeBuffer(auth);
}

export function writeAddWatchRequest(writer: JuteWriter, path: string, mode: number): void {
  writer.writeString(path).writeInt(mode);
}

/** RemoveWatchesRequest and CheckWatchesRequest */
export function writeWatchTypeRequest(writer: JuteWriter, path: string, watcherType: number): void {
  writer.writeString(path).writeInt(watcherType);
}

export function writeReconfigRequest(
  writer: JuteWriter,
  joiningServers: string | null,
  leavingServers: string | null,
  newMembers: string | null,
  currentConfigId: bigint,
): void {
  writer
    .writeString(joiningServers)
    .writeString(leavingServers)
    .writeString(newMembers)
    .writeLong(currentConfigId);
}

export interface WatchPaths {
  data: readonly string[];
  exist: readonly string[];
  child: readonly string[];
  persistent: readonly string[];
  persistentRecursive: readonly string[];
}

/** SetWatches (3.4+) when there are no persistent watches, otherwise SetWatches2 (3.6+). */
export function writeSetWatchesRequest(
  writer: JuteWriter,
  relativeZxid: bigint,
  paths: WatchPaths,
  withPersistent: boolean,
): void {
  writer
    .writeLong(relativeZxid)
    .writeStringVector(paths.data)
    .writeStringVector(paths.exist)
    .writeStringVector(paths.child);
  if (withPersistent) writer.writeStringVector(paths.persistent).writeStringVector(paths.persistentRecursive);
}
