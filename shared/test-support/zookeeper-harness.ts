import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import {
  ZooKeeperClient,
  deleteRecursive,
  ensurePath,
  type ZooKeeperClientOptions,
} from '../src/client/index.ts';
import { LocalEnsemble, type LocalEnsembleOptions } from '../src/ensemble/index.ts';
import { versionAtLeast } from './server-version.ts';

const TEST_ROOT = '/zk-cookbook-tests';

export interface TestZooKeeper {
  /** the shared ensemble's connect string, without chroot */
  readonly ensembleConnectString: string;
  /** this file's private root, e.g. /zk-cookbook-tests/client-3f9a1c */
  readonly chroot: string;
  /** connect string including this file's chroot */
  readonly connectString: string;
  /** a connected client under this file's chroot, closed after the current test */
  connect(options?: ZooKeeperClientOptions): Promise<ZooKeeperClient>;
  /** a client under this file's chroot connected only to `server` ("host:port"), closed after the current test */
  connectVia(server: string, options?: ZooKeeperClientOptions): Promise<ZooKeeperClient>;
  /** a client without chroot, closed after the current test */
  connectUnrooted(options?: ZooKeeperClientOptions): Promise<ZooKeeperClient>;
  /**
   * Whether the shared ensemble runs at least this release ("3.9"), for behaviour that differs
   * between the server versions the test matrix runs. Throws when the server would not say.
   */
  serverVersionAtLeast(minimum: string): boolean;
}

/**
 * Gives a test file its own subtree of the shared ensemble (ZK_CONNECT or the one the global setup
 * started), so files run in parallel without seeing each other's nodes. The subtree is deleted and
 * every client closed when the file is done.
 */
export function useZooKeeper(label = 'test'): TestZooKeeper {
  let ensembleConnectString = '';
  let chroot = '';
  const perTest: ZooKeeperClient[] = [];

  beforeAll(async () => {
    ensembleConnectString = inject('zkConnect');
    chroot = `${TEST_ROOT}/${label.replace(/[^\w.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
    const admin = await ZooKeeperClient.connect(ensembleConnectString);
    try {
      await ensurePath(admin, chroot, { parentMode: 'persistent' });
    } finally {
      await admin.close();
    }
  });

  afterEach(async () => {
    await Promise.all(perTest.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    if (!chroot) return;
    // As the super user, so that nodes a test protected with ACLs can be removed too.
    const superAuth = inject('zkSuperAuth');
    const admin = await ZooKeeperClient.connect(ensembleConnectString, {
      auth: superAuth ? [{ scheme: 'digest', auth: superAuth }] : [],
    });
    try {
      await deleteRecursive(admin, chroot);
    } catch (error) {
      console.warn(`could not remove test subtree ${chroot}: ${(error as Error).message}`);
    } finally {
      await admin.close();
    }
  });

  const open = async (
    connectString: string,
    options: ZooKeeperClientOptions = {},
  ): Promise<ZooKeeperClient> => {
    const client = await ZooKeeperClient.connect(connectString, { sessionTimeoutMs: 10_000, ...options });
    perTest.push(client);
    return client;
  };

  return {
    get ensembleConnectString() {
      return ensembleConnectString;
    },
    get chroot() {
      return chroot;
    },
    get connectString() {
      return ensembleConnectString + chroot;
    },
    connect: (options) => open(ensembleConnectString + chroot, options),
    connectVia: (server, options) => open(server + chroot, options),
    connectUnrooted: (options) => open(ensembleConnectString, options),
    serverVersionAtLeast: (minimum) => {
      const version = inject('zkServerVersion');
      if (!version) throw new Error('the shared ensemble did not tell its version (srvr refused?)');
      return versionAtLeast(version, minimum);
    },
  };
}

/**
 * A dedicated ensemble for a test file that kills, pauses or restarts servers. Started before the
 * file's tests, closed (every JVM killed) after them.
 */
export function useDedicatedEnsemble(options: LocalEnsembleOptions = {}): {
  readonly ensemble: LocalEnsemble;
} {
  let ensemble: LocalEnsemble | undefined;
  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 200, ...options });
  });
  afterAll(async () => {
    await ensemble?.close();
  });
  return {
    get ensemble() {
      if (!ensemble)
        throw new Error('the dedicated ensemble is not started yet (use it inside tests or hooks)');
      return ensemble;
    },
  };
}
