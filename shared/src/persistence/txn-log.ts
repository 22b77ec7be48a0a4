import { readFile } from 'node:fs/promises';
import { JuteReader } from '../jute/reader.ts';
import { adler32 } from './adler32.ts';
import { PersistenceFormatError } from './errors.ts';
import {
  FILE_HEADER_BYTES,
  FORMAT_VERSION,
  TXN_LOG_MAGIC,
  magicText,
  readFileHeader,
  type FileHeader,
} from './file-header.ts';
import { decodeTransaction, type Transaction } from './txn-records.ts';

/**
 * A transaction log file (`version-2/log.<zxid of its first entry>`):
 *
 *   FileHeader { magic "ZKLG", version 2, dbid 0 }
 *   entry*:    long   checksum    Adler-32 of the entry bytes
 *              buffer entry       int length + TxnHeader + body (+ TxnDigest)
 *              byte   0x42 ('B')  end of record
 *   zeros      the log is pre-allocated in 64 MB steps, so it ends in a run of zero bytes; an
 *              entry whose checksum and length are both 0 is where the writes stopped
 */
export interface TxnLogEntry extends Transaction {
  /** where the entry's checksum starts in the file */
  offset: number;
  /** bytes of the entry (header + body + digest) */
  size: number;
  checksum: number;
}

export interface TxnLogFile {
  file: string;
  header: FileHeader;
  entries: TxnLogEntry[];
  /** bytes after the last entry: pre-allocated zeros, or a torn write after a crash */
  unusedBytes: number;
  /** set when the file ends in a partial entry (a crash mid-append); the entries before it are good */
  truncatedAt: number | undefined;
}

const END_OF_RECORD = 0x42;
const ENTRY_OVERHEAD = 8 + 4 + 1;

export async function readTxnLogFile(file: string): Promise<TxnLogFile> {
  return decodeTxnLog(file, await readFile(file));
}

export function decodeTxnLog(file: string, bytes: Buffer): TxnLogFile {
  if (bytes.length < FILE_HEADER_BYTES) {
    throw new PersistenceFormatError(file, 0, `${bytes.length} bytes is too short for a file header`);
  }
  const header = readFileHeader(new JuteReader(bytes));
  if (header.magic !== TXN_LOG_MAGIC) {
    throw new PersistenceFormatError(
      file,
      0,
      `magic "${magicText(header.magic)}" is not ZKLG: not a transaction log`,
    );
  }
  if (header.version !== FORMAT_VERSION) {
    throw new PersistenceFormatError(file, 4, `format version ${header.version}, expected ${FORMAT_VERSION}`);
  }

  const entries: TxnLogEntry[] = [];
  let offset = FILE_HEADER_BYTES;
  let truncatedAt: number | undefined;
  while (offset + ENTRY_OVERHEAD <= bytes.length) {
    const checksum = Number(bytes.readBigInt64BE(offset));
    const size = bytes.readInt32BE(offset + 8);
    if (size === 0 && checksum === 0) break;
    const start = offset + 12;
    const end = start + size;
    if (size < 0 || end + 1 > bytes.length) {
      truncatedAt = offset;
      break;
    }
    const entryBytes = bytes.subarray(start, end);
    const computed = adler32(entryBytes);
    if (computed !== checksum) {
      throw new PersistenceFormatError(
        file,
        offset,
        `entry checksum 0x${checksum.toString(16)} does not match Adler-32 0x${computed.toString(16)} of its ${size} bytes`,
      );
    }
    if (bytes[end] !== END_OF_RECORD) {
      throw new PersistenceFormatError(
        file,
        end,
        `end-of-record byte is 0x${bytes[end]?.toString(16)}, expected 0x42`,
      );
    }
    let transaction: Transaction;
    try {
      transaction = decodeTransaction(entryBytes);
    } catch (error) {
      throw new PersistenceFormatError(file, start, `entry does not decode: ${(error as Error).message}`, {
        cause: error,
      });
    }
    entries.push({ ...transaction, offset, size, checksum });
    offset = end + 1;
  }
  return { file, header, entries, unusedBytes: bytes.length - offset, truncatedAt };
}
