import type { ZooKeeperError, ZooKeeperErrorCode } from '../client/index.ts';

/**
 * The text zkCli 3.8 prints for a failed request (CliWrapperException and KeeperException#getMessage),
 * so that transcripts and the scripts that grep them keep working.
 */
const sentences: Partial<Record<ZooKeeperErrorCode, (path: string) => string>> = {
  NONODE: (path) => `Node does not exist: ${path}`,
  NOCHILDRENFOREPHEMERALS: (path) => `Ephemerals cannot have children: ${path}`,
  NODEEXISTS: (path) => `Node already exists: ${path}`,
  NOTEMPTY: (path) => `Node not empty: ${path}`,
  NOTREADONLY: (path) => `Not a read-only call: ${path}`,
  INVALIDACL: (path) => `Acl is not valid : ${path}`,
  NOAUTH: (path) => `Insufficient permission : ${path}`,
  BADARGUMENTS: (path) => `Arguments are not valid : ${path}`,
  BADVERSION: (path) => `version No is not valid : ${path}`,
  RECONFIGINPROGRESS: () =>
    'Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)',
  NEWCONFIGNOQUORUM: () =>
    'No quorum of new config is connected and up-to-date with the leader of last commmitted config - ' +
    'try invoking reconfiguration after new servers are connected and synced',
};

/** KeeperException.Code names as KeeperException#getCodeMessage spells them. */
const codeMessages: Partial<Record<ZooKeeperErrorCode, string>> = {
  SYSTEMERROR: 'SystemError',
  RUNTIMEINCONSISTENCY: 'RuntimeInconsistency',
  DATAINCONSISTENCY: 'DataInconsistency',
  CONNECTIONLOSS: 'ConnectionLoss',
  MARSHALLINGERROR: 'MarshallingError',
  NEWCONFIGNOQUORUM: 'NewConfigNoQuorum',
  RECONFIGINPROGRESS: 'ReconfigInProgress',
  UNIMPLEMENTED: 'Unimplemented',
  OPERATIONTIMEOUT: 'OperationTimeout',
  BADARGUMENTS: 'BadArguments',
  APIERROR: 'APIError',
  NONODE: 'NoNode',
  NOAUTH: 'NoAuth',
  BADVERSION: 'BadVersion',
  NOCHILDRENFOREPHEMERALS: 'NoChildrenForEphemerals',
  NODEEXISTS: 'NodeExists',
  INVALIDACL: 'InvalidACL',
  AUTHFAILED: 'AuthFailed',
  NOTEMPTY: 'Directory not empty',
  SESSIONEXPIRED: 'Session expired',
  INVALIDCALLBACK: 'Invalid callback',
  SESSIONMOVED: 'Session moved',
  NOTREADONLY: 'Not a read-only call',
  EPHEMERALONLOCALSESSION: 'Ephemeral node on local session',
  NOWATCHER: 'No such watcher',
  RECONFIGDISABLED: 'Reconfig is disabled',
  SESSIONCLOSEDREQUIRESASLAUTH: 'Session closed because client failed to authenticate',
  QUOTAEXCEEDED: 'Quota has exceeded',
  THROTTLEDOP: 'Op throttled due to high load',
  REQUESTTIMEOUT: 'Request timeout',
};

/** KeeperException#getMessage: "KeeperErrorCode = NoAuth for /x". */
export function keeperErrorMessage(error: ZooKeeperError): string {
  const name = codeMessages[error.code] ?? `Unknown error ${error.code}`;
  return `KeeperErrorCode = ${name}${error.path === undefined ? '' : ` for ${error.path}`}`;
}

/** The line zkCli prints when a command fails with this error. */
export function describeError(error: ZooKeeperError): string {
  if (error.code === 'CLOSED') return 'Not connected';
  // Our own code for Ctrl-C: say whether the request may still have been applied.
  if (error.code === 'ABORTED') return `Interrupted: ${error.message}`;
  const sentence = sentences[error.code];
  if (sentence && error.path !== undefined) return sentence(error.path);
  if (sentence && (error.code === 'RECONFIGINPROGRESS' || error.code === 'NEWCONFIGNOQUORUM')) {
    return sentence('');
  }
  return keeperErrorMessage(error);
}
