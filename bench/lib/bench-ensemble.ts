import { formatServer, parseConnectString } from '../../shared/src/client/index.ts';
import { LocalEnsemble } from '../../shared/src/ensemble/index.ts';
import { FourLetterClient, type ServingServerStats } from '../../shared/src/fourletter/index.ts';
import { BenchError } from './errors.ts';
import { shortZooKeeperVersion } from './zookeeper-version.ts';

/** The ensemble every suite of one `npm run bench` measures against. */
export interface BenchEnsemble {
  /** every server, e.g. for setting up nodes */
  connectString: string;
  /**
   * One follower (the only server in standalone mode), chroot included. Contenders are pinned to it
   * so they compete on equal terms: a client on the leader skips a hop, and servers differ in load.
   */
  pinnedConnectString: string;
  /** "3 servers started by the bench", "ZK_CONNECT=…" */
  description: string;
  /** "leader 127.0.0.1:41234, followers …" */
  roles: string;
  serverVersion: string;
  close(): Promise<void>;
}

/**
 * The launcher stops its JVMs at the C1 compiler so that test ensembles start fast; a benchmark
 * wants servers in their steady state, fully compiled as in production (the last -XX flag wins).
 */
const STEADY_STATE_JVM_FLAGS = ['-XX:TieredStopAtLevel=4'];

/**
 * Uses the ensemble named by ZK_CONNECT if set, else starts a 3-server LocalEnsemble with ZooKeeper's
 * defaults (tickTime 2000; no fsync, as the launcher does for every ensemble it starts).
 */
export async function openBenchEnsemble(): Promise<BenchEnsemble> {
  const external = process.env.ZK_CONNECT;
  if (external) return describe(external, `ZK_CONNECT=${external}`, async () => {});
  const ensemble = await LocalEnsemble.start({ servers: 3, extraJvmFlags: STEADY_STATE_JVM_FLAGS });
  try {
    return await describe(
      ensemble.connectString,
      'a local 3-server ensemble (tickTime 2000, forceSync no, servers fully JIT-compiled)',
      () => ensemble.close(),
    );
  } catch (error) {
    await ensemble.close();
    throw error;
  }
}

async function describe(
  connectString: string,
  description: string,
  close: () => Promise<void>,
): Promise<BenchEnsemble> {
  const { servers, chroot } = parseConnectString(connectString);
  const addresses = servers.map(formatServer);
  const stats = await Promise.all(
    addresses.map((address) =>
      FourLetterClient.forAddress(address)
        .srvr()
        .catch(() => undefined),
    ),
  );
  const serving = addresses
    .map((address, index) => ({ address, stats: stats[index] }))
    .filter((server): server is { address: string; stats: ServingServerStats } =>
      Boolean(server.stats?.serving),
    );
  const pinned =
    serving.find((server) => server.stats.mode === 'follower') ??
    serving.find((server) => server.stats.mode === 'standalone');
  if (!pinned) {
    throw new BenchError(
      `no follower or standalone server serves in ${connectString} (${serving.length} of ${addresses.length} answered srvr as serving)`,
    );
  }
  return {
    connectString,
    pinnedConnectString: `${pinned.address}${chroot}`,
    description,
    roles: serving.map((server) => `${server.address} ${server.stats.mode}`).join(', '),
    serverVersion: shortZooKeeperVersion(pinned.stats.version),
    close,
  };
}
