import type { NodeContender } from '../protocol.ts';
import type { ClientDriver } from './driver.ts';

/**
 * Loaded on demand, so a child process holds only its own client in memory: the native addon's
 * footprint is not charged to the pure-JavaScript clients, nor theirs to it.
 */
const DRIVERS: Record<
  NodeContender,
  () => Promise<{ connect: (connectString: string) => Promise<ClientDriver> }>
> = {
  ts: () => import('./zk-cookbook.ts'),
  native: () => import('./native-zookeeper.ts'),
  nzc: () => import('./node-zookeeper-client.ts'),
};

export function isNodeContender(value: string | undefined): value is NodeContender {
  return value !== undefined && Object.hasOwn(DRIVERS, value);
}

export const NODE_CONTENDERS = Object.keys(DRIVERS) as NodeContender[];

/** Connects the named client's driver. */
export async function connectDriver(contender: NodeContender, connectString: string): Promise<ClientDriver> {
  const { connect } = await DRIVERS[contender]();
  return connect(connectString);
}
