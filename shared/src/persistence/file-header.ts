import type { JuteReader } from '../jute/reader.ts';

/**
 * Both kinds of file start with the same jute record, FileHeader { int magic; int version; long dbid }.
 * The magic is four ASCII letters read as a big-endian int.
 */
export const TXN_LOG_MAGIC = 0x5a4b4c47; // "ZKLG"
export const SNAPSHOT_MAGIC = 0x5a4b534e; // "ZKSN"
/** Both formats have been version 2 since ZooKeeper 3.0 (hence the `version-2/` directory). */
export const FORMAT_VERSION = 2;

export interface FileHeader {
  magic: number;
  version: number;
  /** 0 in transaction logs, -1 in snapshots; nothing reads it back. */
  dbid: bigint;
}

export const FILE_HEADER_BYTES = 16;

export function readFileHeader(reader: JuteReader): FileHeader {
  return { magic: reader.readInt(), version: reader.readInt(), dbid: reader.readLong() };
}

export function magicText(magic: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(magic);
  return bytes.toString('latin1');
}
