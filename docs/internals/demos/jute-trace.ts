import { ZooKeeperClient, parseConnectString } from '@zk-cookbook/core/client';
import { annotateFrames, type AnnotatedFrame } from './jute-annotate.ts';
import { PacketRecorder } from './packet-recorder.ts';

/**
 * Records one short conversation of our client with a real server through a {@link PacketRecorder}:
 * the handshake, a create, a getData that leaves a watch, and the watch event that another client's
 * setData triggers. Returns every frame, annotated.
 */
export interface JuteTrace {
  frames: AnnotatedFrame[];
  sessionId: bigint;
  createdZxid: bigint;
}

export async function traceConversation(connectString: string, path: string): Promise<JuteTrace> {
  const [first] = parseConnectString(connectString).servers;
  if (!first) throw new Error(`no server in ${connectString}`);
  const chroot = connectString.includes('/') ? connectString.slice(connectString.indexOf('/')) : '';
  const recorder = await PacketRecorder.start(first);
  const traced = await ZooKeeperClient.connect(`${recorder.address}${chroot}`, {
    sessionTimeoutMs: 10_000,
    logger: {},
  });
  const other = await ZooKeeperClient.connect(connectString, { logger: {} });
  try {
    await traced.create(path, 'hello');
    let fired!: () => void;
    const watchFired = new Promise<void>((resolve) => (fired = resolve));
    const { stat } = await traced.getData(path, { watch: () => fired() });
    await other.setData(path, 'changed');
    await watchFired;
    const sessionId = traced.sessionId;
    await traced.close();
    return { frames: annotateFrames(recorder.frames), sessionId, createdZxid: stat.czxid };
  } finally {
    await other.close();
    await traced.close();
    await recorder.close();
  }
}
