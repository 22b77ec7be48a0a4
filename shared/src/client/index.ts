export { ZooKeeperClient } from './zookeeper-client.ts';
export type {
  ZooKeeperClientOptions,
  CallOptions,
  NodeContent,
  CreateOptions,
  WatchOptions,
  VersionOptions,
  AddWatchMode,
  RemovableWatchType,
  RemoveWatchesOptions,
  ReconfigOptions,
} from './zookeeper-client.ts';
export type { ConnectionState, StateChange, StateEvent } from './session.ts';
export type { WatchedEvent, WatchedEventType, Watcher } from './watch-registry.ts';
export {
  ZooKeeperError,
  isZooKeeperError,
  isConnectionLossClass,
  type ZooKeeperErrorCode,
} from './errors.ts';
export { MultiError, op, type MultiOp, type MultiResult, type ReadOp, type ReadResult } from './multi.ts';
export { withRetry, type RetryOptions } from './retry.ts';
export type { CreateMode } from './create-mode.ts';
export { MAX_TTL_MS } from './create-mode.ts';
export {
  Perms,
  OPEN_ACL_UNSAFE,
  CREATOR_ALL_ACL,
  READ_ACL_UNSAFE,
  ANYONE_ID,
  AUTH_IDS,
  digestId,
  formatAcl,
  formatPerms,
  parseAclList,
  parsePerms,
  type ACL,
  type Id,
} from './acl.ts';
export { toBytes, toNodeBytes, utf8, encodeJson, decodeJson, type NodeData } from './data.ts';
export { validatePath, joinPath, parentPath, nodeName, sequenceNumber } from './paths.ts';
export { parseConnectString, formatServer, type ServerAddress } from './connect-string.ts';
export type { Logger } from './logger.ts';
export type { Stat } from '../jute/records.ts';
export { ensurePath, deleteRecursive, listRecursive } from './tree.ts';
