/** Base class, so callers can tell launcher failures from failures of the code under test. */
export class EnsembleError extends Error {
  override name = 'EnsembleError';
}

const INSTALL_HINT =
  'Install it with `apt-get install zookeeper default-jre-headless`, set ZOOKEEPER_HOME to an unpacked ' +
  'Apache ZooKeeper release, or set ZK_CONNECT to use an existing ensemble.';

export class ZooKeeperNotFoundError extends EnsembleError {
  override name = 'ZooKeeperNotFoundError';

  constructor(readonly looked: readonly string[]) {
    super(
      `ZooKeeper not found. Looked at:\n${looked.map((place) => `  - ${place}`).join('\n')}\n${INSTALL_HINT}`,
    );
  }
}

export class JavaNotFoundError extends EnsembleError {
  override name = 'JavaNotFoundError';

  constructor(readonly looked: readonly string[]) {
    super(
      `java not found (looked in ${looked.join(', ')}). ZooKeeper servers are JVMs: install a JRE with ` +
        '`apt-get install default-jre-headless`, set JAVA_HOME, or set ZK_CONNECT to use an existing ensemble.',
    );
  }
}

/** A server process exited (or never came up) while the launcher waited for it. */
export class MemberStartError extends EnsembleError {
  override name = 'MemberStartError';

  constructor(
    readonly memberId: number,
    detail: string,
    readonly logFile: string,
    readonly logTail: string,
    /** Another process took one of its ports between our choosing it and the JVM binding it. */
    readonly portInUse = false,
  ) {
    super(`server ${memberId}: ${detail}\n--- last lines of ${logFile} ---\n${logTail}`);
  }
}

/** `java` itself could not be run (missing, not executable): nothing was started. */
export class JvmSpawnError extends EnsembleError {
  override name = 'JvmSpawnError';

  constructor(
    readonly label: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${label}: ${detail}`, options);
  }
}

export class EnsembleTimeoutError extends EnsembleError {
  override name = 'EnsembleTimeoutError';

  constructor(
    readonly waitingFor: string,
    readonly timeoutMs: number,
    readonly lastObserved: string,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${waitingFor}; last observed: ${lastObserved}`);
  }
}

export class MemberStateError extends EnsembleError {
  override name = 'MemberStateError';
}

/** The ensemble did not come up in time; carries the log tails of the members that were not serving. */
export class EnsembleStartError extends EnsembleError {
  override name = 'EnsembleStartError';

  constructor(
    readonly timeout: EnsembleTimeoutError,
    readonly logTails: ReadonlyMap<number, { readonly logFile: string; readonly tail: string }>,
  ) {
    const tails = [...logTails].map(
      ([id, { logFile, tail }]) => `--- server ${id}: last lines of ${logFile} ---\n${tail}`,
    );
    super([timeout.message, ...tails].join('\n'), { cause: timeout });
  }
}
