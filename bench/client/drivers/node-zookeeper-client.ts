/**
 * npm `node-zookeeper-client` (pure JavaScript, ZooKeeper 3.4's protocol) as a bench driver. Its
 * API is callbacks only; each request is wrapped in a promise here, the way an application using it
 * with async/await would, and its Exception (code, name) becomes a DriverError.
 *
 * What it lacks: sync (opcode 9 is known but not sent; a check-only transaction is the barrier it
 * offers instead, see catchUp) and persistent watches (3.6's addWatch).
 */
import { createRequire } from 'node:module';
import { createClient, CreateMode, Event, Exception, type Client } from 'node-zookeeper-client';
import {
  CONNECT_TIMEOUT_MS,
  DriverError,
  SESSION_TIMEOUT_MS,
  withTimeout,
  type ClientDriver,
  type ConnectDriver,
} from './driver.ts';

const { version } = createRequire(import.meta.url)('node-zookeeper-client/package.json') as {
  version: string;
};

/** The type its transaction results carry for a create (jute OP_CODES.CREATE). */
const CREATE_OP = 1;

/** How long close() waits for the server to end the session before the child exits anyway. */
const CLOSE_TIMEOUT_MS = 5_000;

export const connect: ConnectDriver = async (connectString) => {
  const client = createClient(connectString, { sessionTimeout: SESSION_TIMEOUT_MS });
  const connected = new Promise<void>((resolve) => client.once('connected', resolve));
  client.connect();
  await withTimeout(connected, CONNECT_TIMEOUT_MS, `node-zookeeper-client: connecting to ${connectString}`);
  return nodeZooKeeperClientDriver(client);
};

type Callback<T> = (error: Error | Exception | null, result: T) => void;

function nodeZooKeeperClientDriver(client: Client): ClientDriver {
  /**
   * Runs one callback-style request as a promise: rejects with its error, or with a DriverError
   * when `check` finds the result is not what was asked for.
   */
  function request<T, R>(
    operation: string,
    path: string,
    issue: (callback: Callback<T>) => void,
    check: (result: T) => R,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      issue((error, result) => {
        if (error) {
          const code = error instanceof Exception ? error.getCode() : undefined;
          reject(new DriverError('nzc', operation, path, code, error.toString(), { cause: error }));
          return;
        }
        try {
          resolve(check(result));
        } catch (wrong) {
          reject(new DriverError('nzc', operation, path, undefined, (wrong as Error).message));
        }
      });
    });
  }
  return {
    contender: 'nzc',
    clientVersion: `node-zookeeper-client ${version}`,
    create: (path, data) =>
      request<string, void>(
        'create',
        path,
        (callback) => client.create(path, data, CreateMode.PERSISTENT, callback),
        (created) => {
          if (created !== path) throw new Error(`created ${created}`);
        },
      ),
    getData: (path) =>
      request<Buffer | null, Buffer>(
        'getData',
        path,
        (callback) => client.getData(path, callback),
        // an empty node reads as null; the bench's nodes all hold data
        (data) => {
          if (!data) throw new Error('no data');
          return data;
        },
      ),
    exists: (path) =>
      request<unknown, void>(
        'exists',
        path,
        (callback) => client.exists(path, callback),
        // a missing node is a null stat, not an error
        (stat) => {
          if (!stat) throw new Error('no such node');
        },
      ),
    setData: (path, data) =>
      request<unknown, void>(
        'setData',
        path,
        (callback) => client.setData(path, data, -1, callback),
        (stat) => {
          if (!stat) throw new Error('no stat');
        },
      ),
    getChildren: (path) =>
      request<string[], string[]>(
        'getChildren',
        path,
        (callback) => client.getChildren(path, callback),
        (children) => children,
      ),
    // No sync: a transaction holding one version check goes through the leader, and its reply comes
    // after the connected server has applied everything committed before it — a barrier, as sync is.
    catchUp: (path) =>
      request<unknown, void>(
        'transaction(check)',
        path,
        (callback) => client.transaction().check(path, -1).commit(callback),
        () => undefined,
      ),
    createAll: (paths, data) =>
      request<{ type: number; path?: string }[], void>(
        'transaction',
        paths[0] ?? '',
        (callback) => {
          const transaction = client.transaction();
          for (const path of paths) transaction.create(path, data, CreateMode.PERSISTENT);
          transaction.commit(callback);
        },
        (results) => {
          const created = results.filter(
            (result, index) => result.type === CREATE_OP && result.path === paths[index],
          );
          if (created.length !== paths.length) {
            throw new Error(`${created.length} of ${paths.length} creates reported done`);
          }
        },
      ),
    watchData: (path, onNodeEvent) =>
      request<unknown, void>(
        'getData',
        path,
        (callback) =>
          client.getData(
            path,
            (event) =>
              onNodeEvent(event.getType() === Event.NODE_DATA_CHANGED ? 'dataChanged' : event.getName()),
            callback,
          ),
        (data) => {
          if (!data) throw new Error('no data');
        },
      ),
    registeredWatches: { unsupported: 'does not say' },
    watchDataChanges: { unsupported: 'no persistent watches' },
    close: async () => {
      const closed = new Promise<void>((resolve) => client.once('disconnected', resolve));
      client.close();
      await withTimeout(closed, CLOSE_TIMEOUT_MS, 'node-zookeeper-client: closing');
    },
  };
}
