// Local ZooKeeper ensembles of child JVMs, with fault injection, for tests, demos and the CLI.
export { LocalEnsemble, type WaitTimeout } from './local-ensemble.ts';
export { type LocalEnsembleOptions } from './ensemble-options.ts';
export {
  EnsembleMember,
  type ObservedMode,
  type MemberState,
  type MemberFiles,
  type ProcessExit,
} from './ensemble-member.ts';
export { ChildJvm, type JvmCommand } from './child-jvm.ts';
export { FAST_START_JVM_FLAGS } from './jvm-arguments.ts';
export { guardDirectory, releaseDirectory } from './process-guard.ts';
export type { MemberRole, MemberAddress } from './server-config.ts';
export {
  EnsembleError,
  EnsembleStartError,
  EnsembleTimeoutError,
  JavaNotFoundError,
  JvmSpawnError,
  MemberStartError,
  MemberStateError,
  ZooKeeperNotFoundError,
} from './errors.ts';
export {
  locateZooKeeper,
  type ZooKeeperInstallation,
  type LocateZooKeeperOptions,
} from './locate-zookeeper.ts';
export { locateJava } from './locate-java.ts';
export {
  fetchCacheDirectory,
  findFetchedRelease,
  compareVersions,
  type FetchedRelease,
} from './fetched-releases.ts';
export { allocateFreePorts, RESERVED_PORTS } from './free-ports.ts';
export { superDigest } from './super-digest.ts';
export { waitUntil, type Probe, type WaitOptions } from './wait-until.ts';
export { isProcessAlive, processState } from './process-state.ts';
export { expireSession, type SessionCredentials } from './expire-session.ts';
export { sessionPasswordOf } from './session-password.ts';
