import { parseConnectString, type ZooKeeperClient } from '../src/client/index.ts';
import { expireSession } from '../src/ensemble/expire-session.ts';
import { StateRecorder } from './state-recorder.ts';
import { TcpProxy } from './tcp-proxy.ts';
import type { TestZooKeeper } from './zookeeper-harness.ts';

/** A client whose only way to the ensemble is a proxy the test controls. */
export interface CuttableClient {
  client: ZooKeeperClient;
  recorder: StateRecorder;
  proxy: TcpProxy;
  /** drops the connection and refuses new ones, until restore(); resolves once the client is suspended */
  cut(): Promise<void>;
  /** lets the client connect again */
  restore(): void;
  /** expires the client's session on the servers while it is cut off (it learns of it on restore) */
  expire(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects through a TcpProxy to the first server, so a test can drop the connection and expire the
 * session deterministically — the client cannot slip away to another server meanwhile.
 */
export async function connectCuttable(zk: TestZooKeeper, sessionTimeoutMs = 8000): Promise<CuttableClient> {
  const target = parseConnectString(zk.ensembleConnectString).servers[0]!;
  const proxy = await TcpProxy.start(target);
  const client = await zk.connectVia(proxy.address, { sessionTimeoutMs });
  const recorder = new StateRecorder(client);
  return {
    client,
    recorder,
    proxy,
    async cut() {
      proxy.setMode('refuse');
      proxy.sever();
      await recorder.waitFor('suspended');
    },
    restore() {
      proxy.setMode('forward');
    },
    async expire() {
      await expireSession(zk.ensembleConnectString, {
        sessionId: client.sessionId,
        sessionPassword: client.sessionPassword,
      });
    },
    close: () => proxy.close(),
  };
}
