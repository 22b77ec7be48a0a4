/**
 * The npm `zookeeper` package (a binding over ZooKeeper's C client) as a bench driver, through its
 * promise API, the default export its README shows.
 *
 * Its promises reject with plain Errors whose message starts with the ZooKeeper code ("-110 node
 * exists") and carry no `code` property; failures found before sending (a bad argument, a closed
 * handle) reject with a message naming the function instead. Each is wrapped in a DriverError with
 * the code parsed back out.
 *
 * What it cannot do: the C client's multi (`zoo_amulti`) and persistent watches (`zoo_add_watch`)
 * are not bound (yfinkelstein/node-zookeeper issue #320, open since 2022).
 */
import { createRequire } from 'node:module';
import ZooKeeper from 'zookeeper';
import {
  CONNECT_TIMEOUT_MS,
  DriverError,
  SESSION_TIMEOUT_MS,
  withTimeout,
  type ClientDriver,
  type ConnectDriver,
} from './driver.ts';

const { version } = createRequire(import.meta.url)('zookeeper/package.json') as { version: string };

export const connect: ConnectDriver = async (connectString) => {
  const zk = new ZooKeeper({
    connect: connectString,
    timeout: SESSION_TIMEOUT_MS,
    debug_level: ZooKeeper.constants.ZOO_LOG_LEVEL_WARN,
    host_order_deterministic: false,
  });
  const connected = new Promise<void>((resolve) => zk.once('connect', () => resolve()));
  zk.init({});
  await withTimeout(connected, CONNECT_TIMEOUT_MS, `zookeeper: connecting to ${connectString}`);
  return nativeDriver(zk);
};

function nativeDriver(zk: ZooKeeper): ClientDriver {
  /** Runs one request, turning its rejection into a DriverError and checking its result. */
  function request<T, R>(
    operation: string,
    path: string,
    issue: () => Promise<T>,
    check: (result: T) => R,
  ): Promise<R> {
    return issue().then(
      (result) => {
        try {
          return check(result);
        } catch (error) {
          throw new DriverError('native', operation, path, undefined, (error as Error).message);
        }
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new DriverError('native', operation, path, codeOf(message), message, { cause: error });
      },
    );
  }
  return {
    contender: 'native',
    clientVersion: `zookeeper ${version}`,
    create: (path, data) =>
      request(
        'create',
        path,
        () => zk.create(path, data, ZooKeeper.constants.ZOO_PERSISTENT),
        (created) => {
          if (created !== path) throw new Error(`created ${String(created)}`);
        },
      ),
    getData: (path) =>
      request(
        'get',
        path,
        () => zk.get(path, false),
        // [stat, data]; data is a Buffer unless an encoding was set
        ([, data]) => {
          if (!Buffer.isBuffer(data)) throw new Error(`data is ${typeof data}, not a Buffer`);
          return data;
        },
      ),
    // a missing node rejects with -101, as the Java callback's NONODE
    exists: (path) =>
      request(
        'exists',
        path,
        () => zk.exists(path, false),
        (stat) => {
          if (!stat) throw new Error('no stat');
        },
      ),
    setData: (path, data) =>
      request(
        'set',
        path,
        () => zk.set(path, data, -1),
        (stat) => {
          if (!stat) throw new Error('no stat');
        },
      ),
    getChildren: (path) =>
      request(
        'get_children',
        path,
        () => zk.get_children(path, false),
        (children) => children,
      ),
    catchUp: (path) =>
      request(
        'sync',
        path,
        () => zk.sync(path) as Promise<unknown>,
        () => undefined,
      ),
    watchData: (path, onNodeEvent) =>
      request(
        'w_get',
        path,
        () =>
          zk.w_get(path, (type: number) => {
            // Its watchers also receive session events (type -1, its README's "Known Bugs").
            if (type !== ZooKeeper.constants.ZOO_SESSION_EVENT) onNodeEvent(nodeEventName(type));
          }),
        () => undefined,
      ),
    registeredWatches: { unsupported: 'does not say' },
    createAll: { unsupported: 'no multi' },
    watchDataChanges: { unsupported: 'no persistent watches' },
    close: async () => {
      zk.close();
    },
  };
}

/** ZooKeeper's event type numbers, named as ours names them ("dataChanged"). */
function nodeEventName(type: number): string {
  const { ZOO_CREATED_EVENT, ZOO_DELETED_EVENT, ZOO_CHANGED_EVENT, ZOO_CHILD_EVENT } = ZooKeeper.constants;
  const names: Record<number, string> = {
    [ZOO_CREATED_EVENT]: 'created',
    [ZOO_DELETED_EVENT]: 'deleted',
    [ZOO_CHANGED_EVENT]: 'dataChanged',
    [ZOO_CHILD_EVENT]: 'childrenChanged',
  };
  return names[type] ?? `event ${type}`;
}

/** "-110 node exists" → -110 */
function codeOf(message: string): number | undefined {
  const match = /^(-?\d+) /.exec(message);
  return match ? Number(match[1]) : undefined;
}
