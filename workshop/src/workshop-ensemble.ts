import { LocalEnsemble } from '@zk-cookbook/core/ensemble';

export interface WorkshopEnsemble {
  readonly connectString: string;
  readonly description: string;
  close(): Promise<void>;
}

/**
 * The ensemble the checkers run against: the one ZK_CONNECT names, else three local servers on free
 * ports, started for this run and stopped after it. The short tick keeps session timeouts, and so
 * the crash exercises, quick.
 */
export async function openWorkshopEnsemble(): Promise<WorkshopEnsemble> {
  const external = process.env.ZK_CONNECT;
  if (external) {
    return { connectString: external, description: `ZK_CONNECT=${external}`, close: async () => {} };
  }
  const ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 500 });
  return {
    connectString: ensemble.connectString,
    description: `a local 3-server ensemble (ZooKeeper ${ensemble.zooKeeper.version ?? '?'}) at ${ensemble.connectString}`,
    close: () => ensemble.close(),
  };
}
