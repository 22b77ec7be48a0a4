export { adler32 } from './adler32.ts';
export { PersistenceFormatError } from './errors.ts';
export { TXN_LOG_MAGIC, SNAPSHOT_MAGIC, type FileHeader } from './file-header.ts';
export {
  decodeTransaction,
  txnTypeName,
  type Transaction,
  type TxnBody,
  type TxnDigest,
  type TxnHeader,
} from './txn-records.ts';
export { readTxnLogFile, decodeTxnLog, type TxnLogEntry, type TxnLogFile } from './txn-log.ts';
export {
  readSnapshotFile,
  decodeSnapshot,
  type SnapshotFile,
  type SnapshotNode,
  type SnapshotSession,
  type StatPersisted,
} from './snapshot.ts';
export { nodeKind, type NodeKind } from './node-kind.ts';
export { listDataFiles, type DataFile } from './data-directory.ts';
export { formatTxnLog, formatSnapshot, formatData, formatAcl, describeBody } from './format.ts';
export { formatZxid, splitZxid, zxidFromFileName, type ZxidParts } from './zxid.ts';
