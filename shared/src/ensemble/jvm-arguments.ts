export const ZOOKEEPER_MAIN_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/**
 * Flags that make a short-lived test JVM start fast and stay small: no JIT tiers beyond C1, the
 * single-threaded collector (a 2-core machine hosts four of these), no hsperfdata files in /tmp.
 */
export const FAST_START_JVM_FLAGS: readonly string[] = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:-UsePerfData',
  '-Xshare:auto',
  '-Xss512k',
  '-Xmx256m',
];

export interface JvmSettings {
  /** Let a member that lost its quorum keep serving reads (`Mode: read-only`). */
  readonly readOnlyModeEnabled: boolean;
  /** `user:base64(sha1(user:password))`, see superDigest(). */
  readonly superDigest?: string | undefined;
  /** How often the server deletes empty container (and expired TTL) nodes; 60 s by default. */
  readonly containerCheckIntervalMs?: number | undefined;
  /** How long a container that never had a child survives. */
  readonly containerMaxNeverUsedIntervalMs?: number | undefined;
  /** fsync the transaction log. Off by default: a throwaway ensemble does not need durability. */
  readonly forceSync: boolean;
  readonly extraJvmFlags: readonly string[];
}

export function jvmArguments(
  classpath: readonly string[],
  configFile: string,
  logDirectory: string,
  settings: JvmSettings,
): string[] {
  const properties: Record<string, string | number | undefined> = {
    // The 4lw interface replaces the AdminServer, which would otherwise bind 8080 on every member.
    'zookeeper.admin.enableServer': 'false',
    // TTL nodes (CreateMode.PERSISTENT_WITH_TTL) are refused unless extended types are on.
    'zookeeper.extendedTypesEnabled': 'true',
    'readonlymode.enabled': settings.readOnlyModeEnabled ? 'true' : undefined,
    'zookeeper.DigestAuthenticationProvider.superDigest': settings.superDigest,
    'znode.container.checkIntervalMs': settings.containerCheckIntervalMs,
    'znode.container.maxNeverUsedIntervalMs': settings.containerMaxNeverUsedIntervalMs,
    'zookeeper.forceSync': settings.forceSync ? 'yes' : 'no',
    // Log to stderr, which the launcher sends to the member's log file together with anything the
    // JVM itself prints before logging starts (a bad flag, a missing class).
    'org.slf4j.simpleLogger.showDateTime': 'true',
    'org.slf4j.simpleLogger.dateTimeFormat': 'HH:mm:ss.SSS',
    // Read by the log4j configuration of 3.4-3.7 release tarballs.
    'zookeeper.log.dir': logDirectory,
    'zookeeper.root.logger': 'INFO,CONSOLE',
    'java.net.preferIPv4Stack': 'true',
  };
  const systemProperties = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `-D${key}=${value}`);

  return [
    ...FAST_START_JVM_FLAGS,
    ...systemProperties,
    ...settings.extraJvmFlags,
    '-cp',
    classpath.join(':'),
    ZOOKEEPER_MAIN_CLASS,
    configFile,
  ];
}
