import { JsonLinePeer } from './json-line-peer.ts';

const SCRIPT = new URL('../../interop/node/node-peer.ts', import.meta.url).pathname;

/** Our own recipes in a separate Node process (see shared/interop/node/node-peer.ts). */
export function startNodePeer(name = 'node'): Promise<JsonLinePeer> {
  return JsonLinePeer.start(name, process.execPath, ['--import', 'tsx', SCRIPT]);
}
