import { tmpdir } from 'node:os';
import type { JvmSettings } from './jvm-arguments.ts';
import type { ServerSettings } from './server-config.ts';
import { superDigest } from './super-digest.ts';

export interface LocalEnsembleOptions {
  /** Voting members. 1 (with no observers) runs ZooKeeper's standalone mode. Default 3. */
  servers?: number;
  /** Non-voting members (`peerType=observer`). Default 0. */
  observers?: number;
  /** ZooKeeper's time unit. Default 2000; tests use 200-500 to make elections and expiry fast. */
  tickTimeMs?: number;
  /** Ticks a follower may take to connect and sync to a new leader. Default 10. */
  initLimit?: number;
  /** Ticks a follower may lag behind the leader before it is dropped. Default 5. */
  syncLimit?: number;
  /** Default 2 × tickTime, ZooKeeper's own default. */
  minSessionTimeoutMs?: number;
  /**
   * Default 60000 rather than ZooKeeper's 20 × tickTime, so a test with a short tick can still ask
   * for a long session.
   */
  maxSessionTimeoutMs?: number;
  /** `-Dreadonlymode.enabled=true`: a member cut off from its quorum keeps serving reads. */
  readOnlyMode?: boolean;
  /** A super user that bypasses every ACL (authenticate with digest `user:password`). */
  superUser?: { user: string; password: string };
  /** `reconfigEnabled=true` with a dynamic config file, so clients may call reconfig. */
  reconfigEnabled?: boolean;
  /** How often container and TTL nodes are checked for deletion (ZooKeeper's default is 60 s). */
  containerCheckIntervalMs?: number;
  containerMaxNeverUsedIntervalMs?: number;
  /** fsync the transaction log. Default false. */
  forceSync?: boolean;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Use fixed ports instead of free ones from the OS: member i (0-based) gets client port
   * basePort + i, quorum port basePort + 100 + i, election port basePort + 200 + i.
   */
  basePort?: number;
  /** Deadline for every member to serve. Default 60000. */
  startTimeoutMs?: number;
  /** Keep the data directories after close(). Default: true when ZK_KEEP_DATA=1. */
  keepData?: boolean;
  /** Where the ensemble's temporary directory is created. Default os.tmpdir(). */
  baseDirectory?: string;
  /** An unpacked Apache ZooKeeper release. Default $ZOOKEEPER_HOME. */
  zooKeeperHome?: string;
  /**
   * A release fetched by scripts/fetch-maven.sh ("3.9" or "3.9.5"), for testing against another
   * server version. Default $ZK_COOKBOOK_ZOOKEEPER; "system" means ZOOKEEPER_HOME, then Debian's.
   */
  zooKeeperRelease?: string;
  /** Debian's zookeeper.jar, or false to ignore it. */
  debianJar?: string | false;
  /** The java launcher. Default $JAVA_HOME/bin/java, then PATH. */
  javaPath?: string;
  /** Extra zoo.cfg settings; they override the launcher's. */
  extraConfig?: Record<string, string | number | boolean>;
  extraJvmFlags?: string[];
}

export interface ResolvedEnsembleOptions {
  readonly servers: number;
  readonly observers: number;
  readonly host: string;
  readonly basePort: number | undefined;
  readonly startTimeoutMs: number;
  readonly keepData: boolean;
  readonly baseDirectory: string;
  readonly server: ServerSettings;
  readonly jvm: JvmSettings;
}

export function resolveEnsembleOptions(options: LocalEnsembleOptions): ResolvedEnsembleOptions {
  const servers = options.servers ?? 3;
  const observers = options.observers ?? 0;
  const tickTimeMs = options.tickTimeMs ?? 2_000;
  if (!Number.isInteger(servers) || servers < 1) throw new RangeError(`servers must be >= 1, got ${servers}`);
  if (!Number.isInteger(observers) || observers < 0) {
    throw new RangeError(`observers must be >= 0, got ${observers}`);
  }
  if (servers + observers > 100 && options.basePort !== undefined) {
    throw new RangeError('basePort leaves room for at most 100 members');
  }
  return {
    servers,
    observers,
    host: options.host ?? '127.0.0.1',
    basePort: options.basePort,
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
    keepData: options.keepData ?? process.env.ZK_KEEP_DATA === '1',
    baseDirectory: options.baseDirectory ?? tmpdir(),
    server: {
      tickTimeMs,
      initLimit: options.initLimit ?? 10,
      syncLimit: options.syncLimit ?? 5,
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? 2 * tickTimeMs,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 60_000,
      reconfigEnabled: options.reconfigEnabled ?? false,
      extraConfig: {
        // A read-only server can create only local sessions; without them it refuses every new
        // session (it answers the handshake with NOTREADONLY), so read-only mode needs them on.
        ...(options.readOnlyMode ? { localSessionsEnabled: true, localSessionsUpgradingEnabled: true } : {}),
        ...options.extraConfig,
      },
    },
    jvm: {
      readOnlyModeEnabled: options.readOnlyMode ?? false,
      superDigest: options.superUser && superDigest(options.superUser.user, options.superUser.password),
      containerCheckIntervalMs: options.containerCheckIntervalMs,
      containerMaxNeverUsedIntervalMs: options.containerMaxNeverUsedIntervalMs,
      forceSync: options.forceSync ?? false,
      extraJvmFlags: options.extraJvmFlags ?? [],
    },
  };
}
