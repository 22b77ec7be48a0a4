import type { NodeContender } from '../protocol.ts';

/**
 * What node-client-bench.ts needs from a Node ZooKeeper client to run every workload: the same
 * requests whichever client sits underneath, each one checked. A driver resolves only when the
 * server said yes and the result is what the request asked for, and rejects otherwise (with the
 * client's own error where it is typed, as ours is, else with a DriverError), so a failed request
 * can never be counted as a done one.
 */
export interface ClientDriver {
  readonly contender: NodeContender;
  /** "zookeeper 7.3.0" */
  readonly clientVersion: string;
  /** a persistent node holding `data`, at exactly `path` */
  create(path: string, data: Buffer): Promise<void>;
  getData(path: string): Promise<Buffer>;
  /** rejects when the node does not exist, as the Java client's callback reports NONODE */
  exists(path: string): Promise<void>;
  setData(path: string, data: Buffer): Promise<void>;
  getChildren(path: string): Promise<string[]>;
  /**
   * Before reading: makes the connected server catch up with the leader (sync, or the nearest
   * thing the client offers). Untimed.
   */
  catchUp(path: string): Promise<void>;
  /** one transaction creating every path as a persistent node holding `data` */
  createAll: ((paths: readonly string[], data: Buffer) => Promise<void>) | Unsupported;
  /**
   * A persistent recursive watch on `path`: `onChange` for every data change of a descendant,
   * `onUnexpected` for any other event it delivers.
   */
  watchDataChanges:
    | ((
        path: string,
        onChange: (path: string) => void,
        onUnexpected: (event: string) => void,
      ) => Promise<void>)
    | Unsupported;
  /**
   * getData leaving a one-shot data watch: `onNodeEvent` gets the type of the node event that fires
   * it ("dataChanged" when the data changes). Session events some clients also pass to watchers are
   * not node events and are not forwarded.
   */
  watchData(path: string, onNodeEvent: (type: string) => void): Promise<void>;
  /** how many watches the client still holds registered; a fired one-shot watch must not count */
  registeredWatches: (() => number) | Unsupported;
  close(): Promise<void>;
}

/** A capability the client lacks; the reason is what the table prints after "n/a: ". */
export interface Unsupported {
  unsupported: string;
}

export function isUnsupported(capability: object): capability is Unsupported {
  return 'unsupported' in capability;
}

/** How node-client-bench.ts opens a driver; each driver file exports one. */
export type ConnectDriver = (connectString: string) => Promise<ClientDriver>;

/** Every session asks for 30 s, as ClientBench.java and our client's default do. */
export const SESSION_TIMEOUT_MS = 30_000;

export const CONNECT_TIMEOUT_MS = 15_000;

/**
 * A request a driver's client failed or answered with something other than what was asked. Carries
 * what the client reported, in its own terms: the npm `zookeeper` package rejects with plain Errors
 * whose message starts with the code ("-110 node exists"), node-zookeeper-client passes Exceptions
 * with `getCode()`.
 */
export class DriverError extends Error {
  override name = 'DriverError';
  constructor(
    readonly contender: NodeContender,
    readonly operation: string,
    readonly path: string,
    /** the ZooKeeper error code when the client gave one, e.g. -110 */
    readonly code: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${contender} ${operation} ${path}: ${detail}${code === undefined ? '' : ` (code ${code})`}`,
      options,
    );
  }
}

/** Rejects after `timeoutMs` unless `promise` settles first; connecting must not hang a run. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
