/**
 * Our client as a bench driver. It already rejects with typed errors (operation, path, code), so the
 * checks here are only of results: the created path, the existing node, the transaction's length.
 */
import { op, ZooKeeperClient } from '../../../shared/src/client/index.ts';
import packageJson from '../../../shared/package.json' with { type: 'json' };
import { DriverError, SESSION_TIMEOUT_MS, type ClientDriver, type ConnectDriver } from './driver.ts';

export const connect: ConnectDriver = async (connectString) => {
  const client = await ZooKeeperClient.connect(connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  return zkCookbookDriver(client);
};

function zkCookbookDriver(client: ZooKeeperClient): ClientDriver {
  const wrong = (operation: string, path: string, detail: string) =>
    new DriverError('ts', operation, path, undefined, detail);
  return {
    contender: 'ts',
    clientVersion: `${packageJson.name} ${packageJson.version}`,
    create: (path, data) =>
      client.create(path, data).then((created) => {
        if (created !== path) throw wrong('create', path, `created ${created}`);
      }),
    getData: (path) => client.getData(path).then(({ data }) => data),
    exists: (path) =>
      client.exists(path).then((stat) => {
        if (stat === null) throw wrong('exists', path, 'no such node');
      }),
    setData: (path, data) => client.setData(path, data).then(() => undefined),
    getChildren: (path) => client.getChildren(path).then(({ children }) => children),
    catchUp: (path) => client.sync(path),
    createAll: (paths, data) =>
      client.multi(paths.map((path) => op.create(path, data))).then((results) => {
        if (results.length !== paths.length || results.some((result) => result.type !== 'create')) {
          throw wrong('multi', paths[0] ?? '', `${results.length} results for ${paths.length} creates`);
        }
      }),
    watchDataChanges: (path, onChange, onUnexpected) =>
      client.addWatch(
        path,
        (event) => {
          if (event.type === 'dataChanged') onChange(event.path);
          else onUnexpected(`${event.type} ${event.path}${event.state ? ` (${event.state})` : ''}`);
        },
        { mode: 'persistentRecursive' },
      ),
    watchData: (path, onNodeEvent) =>
      client.getData(path, { watch: (event) => onNodeEvent(event.type) }).then(() => undefined),
    registeredWatches: () => client.watchCount,
    close: () => client.close(),
  };
}
