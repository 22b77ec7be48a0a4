import {
  ZooKeeperClient,
  parseConnectString,
  type Logger,
  type StateChange,
  type WatchedEvent,
  type Watcher,
  type ZooKeeperClientOptions,
} from '../client/index.ts';
import { formatWatchedEvent, type KeeperStateName } from './format.ts';
import { NotConnectedError, ShellError } from './shell-error.ts';

/** ZooKeeper.States names, as zkCli's prompt shows them. */
export type SessionStateName =
  'NOT_CONNECTED' | 'CONNECTING' | 'CONNECTED' | 'CONNECTEDREADONLY' | 'CLOSED' | 'AUTH_FAILED';

export interface ShellSessionOptions {
  /** the servers `connect` without arguments goes to until another connect names others */
  connectString: string;
  /** passed to every client the session creates (timeouts, read-only...) */
  clientOptions?: ZooKeeperClientOptions;
  /** how long connect() waits for a session before reporting that it is still trying. Default 15 s. */
  connectTimeoutMs?: number;
  /** receives formatted watch events and state changes as they happen */
  onEvent: (text: string) => void;
  /** receives the client's warnings, e.g. a failed watch re-registration */
  onWarning?: (text: string) => void;
}

const keeperStateByEvent: Record<StateChange['event'], KeeperStateName> = {
  connected: 'SyncConnected',
  reconnected: 'SyncConnected',
  readOnly: 'ConnectedReadOnly',
  suspended: 'Disconnected',
  lost: 'Expired',
  authFailed: 'AuthFailed',
  closed: 'Closed',
};

/**
 * The shell's one ZooKeeper session at a time, as zkCli's ZooKeeperMain holds it: `connect` replaces
 * it, `close` ends it, and a session that expires stays dead until the next `connect` (the client
 * does not silently start a new session, which would drop ephemerals and watches behind the user's
 * back). Every watch the shell sets uses one watcher, like zkCli's default watcher, so a node watched
 * twice still reports an event once.
 */
export class ShellSession {
  /** printwatches on|off */
  printWatches = true;
  private current: ZooKeeperClient | undefined;
  private host: string;
  private readonly options: ShellSessionOptions;

  /** removal events already printed during the current removeWatches call */
  private readonly removalsThisTick = new Set<string>();

  readonly watcher: Watcher = (event: WatchedEvent) => {
    // Session ends reach us as state changes; the "none" events that also go to every watcher
    // would print them twice.
    if (event.type === 'none') return;
    if (event.type.endsWith('WatchRemoved')) {
      // The client reports a removal once per kind of watch (persistent and recursive, data and
      // exists), all in one synchronous loop; zkCli reports it once per event type and watcher.
      const key = `${event.type} ${event.path}`;
      if (this.removalsThisTick.has(key)) return;
      if (this.removalsThisTick.size === 0) queueMicrotask(() => this.removalsThisTick.clear());
      this.removalsThisTick.add(key);
    }
    this.announce('SyncConnected', event.type, event.path);
  };

  constructor(options: ShellSessionOptions) {
    this.options = options;
    this.host = options.connectString;
  }

  /** the connect string of the current (or last, or first) session, chroot included */
  get connectString(): string {
    return this.host;
  }

  get client(): ZooKeeperClient | undefined {
    return this.current;
  }

  get state(): SessionStateName {
    switch (this.current?.state) {
      case undefined:
        return 'NOT_CONNECTED';
      case 'connecting':
      case 'suspended':
        return 'CONNECTING';
      case 'connected':
        return 'CONNECTED';
      case 'readOnly':
        return 'CONNECTEDREADONLY';
      case 'authFailed':
        return 'AUTH_FAILED';
      case 'lost':
      case 'closed':
        return 'CLOSED';
    }
  }

  /** The client, if the session is alive (connected or still trying); else NotConnectedError. */
  requireClient(): ZooKeeperClient {
    const state = this.state;
    if (!this.current || state === 'CLOSED' || state === 'AUTH_FAILED' || state === 'NOT_CONNECTED') {
      throw new NotConnectedError();
    }
    return this.current;
  }

  /**
   * Ends the current session and starts one with `connectString`. Resolves true once connected, or
   * false if connectTimeoutMs passes first: the client then keeps trying in the background, and the
   * prompt says CONNECTING.
   */
  async connect(connectString: string, signal?: AbortSignal): Promise<boolean> {
    try {
      parseConnectString(connectString);
    } catch (error) {
      throw new ShellError((error as Error).message);
    }
    await this.close();
    this.host = connectString;
    const client = new ZooKeeperClient(connectString, {
      ...this.options.clientOptions,
      renewSessionOnExpiry: false,
      logger: this.logger(),
    });
    this.current = client;
    const onState = (change: StateChange): void => {
      if (change.event === 'closed') client.off('state', onState);
      // After an expiry the client closes itself; zkCli reports only the expiry.
      if (change.event === 'closed' && change.previous === 'lost') return;
      this.announce(keeperStateByEvent[change.event], 'none', null);
    };
    client.on('state', onState);
    client.start();
    try {
      await client.waitForConnected({
        timeoutMs: this.options.connectTimeoutMs ?? 15_000,
        ...(signal ? { signal } : {}),
      });
      return true;
    } catch (error) {
      if (this.state === 'CLOSED' || this.state === 'AUTH_FAILED') throw error;
      return false;
    }
  }

  /** Closes the session (zkCli prints the Closed event; `quietly` skips it, e.g. at the end of a script). */
  async close(options: { quietly?: boolean } = {}): Promise<void> {
    const client = this.current;
    if (!client) return;
    if (options.quietly) client.removeAllListeners('state');
    await client.close();
  }

  private announce(state: KeeperStateName, type: string, path: string | null): void {
    if (this.printWatches) this.options.onEvent(formatWatchedEvent(state, type, path));
  }

  private logger(): Logger {
    const warn = (object: object, message: string): void =>
      this.options.onWarning?.(`[zookeeper] ${message} ${JSON.stringify(object, jsonSafe)}`);
    return { warn, error: warn };
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}
