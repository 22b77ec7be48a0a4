export { useZooKeeper, useDedicatedEnsemble, type TestZooKeeper } from './zookeeper-harness.ts';
export { eventually, type EventuallyOptions } from './eventually.ts';
export { StateRecorder, type RecordedStateEvent } from './state-recorder.ts';
export { TcpProxy, type ProxyMode } from './tcp-proxy.ts';
export { connectCuttable, type CuttableClient } from './cuttable-client.ts';
export { childrenOrNone } from './children-or-none.ts';
export { JsonLinePeer, type PeerEvent } from './interop/json-line-peer.ts';
export {
  startCuratorPeer,
  compileCuratorPeer,
  curatorClasspath,
  selectCuratorJars,
  type CuratorJars,
} from './interop/curator-peer.ts';
export { startKazooPeer, selectKazooPython, type KazooPython } from './interop/kazoo-peer.ts';
export { selectedVersions, type SelectedVersions, type SelectedPart } from './version-matrix.ts';
export { versionAtLeast } from './server-version.ts';
export { startNodePeer } from './interop/node-peer.ts';
export {
  runFaultDrill,
  peerSession,
  useNodePeers,
  type FaultDrill,
  type PeerSession,
} from './fault-drill.ts';
export {
  FakeZooKeeperServer,
  CONNECT_RESPONSE,
  connectResponse,
  replyFrame,
  type FakeServerConnection,
  type ReceivedRequest,
} from './fake-zookeeper-server.ts';
export { openHeadlessBrowser, CHROMIUM, type HeadlessBrowser } from './headless-browser.ts';
