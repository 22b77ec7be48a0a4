export { useZooKeeper, useDedicatedEnsemble, type TestZooKeeper } from './zookeeper-harness.ts';
export { eventually, type EventuallyOptions } from './eventually.ts';
export { StateRecorder, type RecordedStateEvent } from './state-recorder.ts';
export { TcpProxy, type ProxyMode } from './tcp-proxy.ts';
