/**
 * Numeric constants of the ZooKeeper client protocol (zookeeper.jute, ZooDefs, KeeperException.Code,
 * Watcher.Event). They are wire values: changing one breaks compatibility with every server.
 */

export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;

/** Replies that do not answer a numbered request carry one of these xids. */
export const SpecialXid = {
  notification: -1,
  ping: -2,
  auth: -4,
  setWatches: -8,
} as const;

/** KeeperException.Code: error codes are negative on the wire; 0 is OK. */
export const ErrorCodes = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type ServerErrorCode = Exclude<keyof typeof ErrorCodes, 'OK'>;

const codeNamesByNumber = new Map<number, ServerErrorCode>(
  Object.entries(ErrorCodes)
    .filter(([name]) => name !== 'OK')
    .map(([name, value]) => [value, name as ServerErrorCode]),
);

/** The name of a wire error code; unknown codes (from a newer server) map to SYSTEMERROR. */
export function errorCodeName(code: number): ServerErrorCode {
  return codeNamesByNumber.get(code) ?? 'SYSTEMERROR';
}

/** Watcher.Event.EventType */
export const EventTypeCode = {
  none: -1,
  created: 1,
  deleted: 2,
  dataChanged: 3,
  childrenChanged: 4,
  dataWatchRemoved: 5,
  childWatchRemoved: 6,
  persistentWatchRemoved: 7,
} as const;

/** Watcher.Event.KeeperState as sent in notifications. */
export const KeeperStateCode = {
  disconnected: 0,
  syncConnected: 3,
  authFailed: 4,
  connectedReadOnly: 5,
  expired: -112,
  closed: 7,
} as const;

/** Watcher.WatcherType, used by removeWatches and checkWatches. */
export const WatcherTypeCode = {
  children: 1,
  data: 2,
  any: 3,
  persistent: 4,
  persistentRecursive: 5,
} as const;

/** CreateMode flags as sent in CreateRequest.flags. */
export const CreateFlags = {
  persistent: 0,
  ephemeral: 1,
  persistentSequential: 2,
  ephemeralSequential: 3,
  container: 4,
  persistentWithTtl: 5,
  persistentSequentialWithTtl: 6,
} as const;

/** AddWatchMode */
export const AddWatchModeCode = {
  persistent: 0,
  persistentRecursive: 1,
} as const;

/** ZooDefs.Perms */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;
