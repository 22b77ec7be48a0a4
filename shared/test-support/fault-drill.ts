import { afterAll } from 'vitest';
import type { LocalEnsemble, SessionCredentials } from '../src/ensemble/index.ts';
import { eventually } from './eventually.ts';
import type { JsonLinePeer } from './interop/json-line-peer.ts';
import { startNodePeer } from './interop/node-peer.ts';

/** A session held by a client inside a peer process, as `client.session` reports it. */
export interface PeerSession extends SessionCredentials {
  connectedServer: string;
}

/** Asks a peer for the id, password and server of one of its clients' sessions. */
export async function peerSession(peer: JsonLinePeer, client: string): Promise<PeerSession> {
  const session = await peer.call<{ sessionId: string; password: string; server: string }>('client.session', {
    client,
  });
  return {
    sessionId: BigInt(`0x${session.sessionId}`),
    sessionPassword: Buffer.from(session.password, 'base64'),
    connectedServer: session.server,
  };
}

/**
 * Node peer processes for a safety test, killed when the file is done. Peers are started one after
 * another with one retry each: under heavy load a JVM-heavy machine can be slow to start a Node
 * process, and a slow start is not what the test is about.
 */
export function useNodePeers(): { start(names: readonly string[]): Promise<JsonLinePeer[]> } {
  const started: JsonLinePeer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((peer) => peer.close()));
  });
  return {
    async start(names) {
      const peers: JsonLinePeer[] = [];
      for (const name of names) {
        const peer = await startNodePeer(name).catch(() => startNodePeer(name));
        started.push(peer);
        peers.push(peer);
      }
      return peers;
    },
  };
}

export interface FaultDrill {
  /** resolves once the workload has visibly moved on (called before and after every fault) */
  progress(): Promise<void>;
  /** the session whose server is paused (SIGSTOP) past the session timeout, e.g. a current holder's */
  pauseTarget(): Promise<PeerSession>;
  /** the sessions expired by the servers, one after another */
  expireTargets(): Promise<PeerSession[]>;
}

/**
 * The fault sequence of the recipe safety tests, with progress checked between faults:
 * 1. the leader is killed, a new one elected, the old one restarted as a follower;
 * 2. the server a chosen session is connected to hangs (SIGSTOP) for longer than the session
 *    timeout, then resumes;
 * 3. chosen sessions are expired by the servers.
 */
export async function runFaultDrill(ensemble: LocalEnsemble, drill: FaultDrill): Promise<void> {
  await drill.progress();

  const leader = await ensemble.waitForQuorum();
  await ensemble.kill(leader.id);
  await ensemble.waitForQuorum();
  await ensemble.restart(leader.id);
  await drill.progress();

  const pausedSession = await eventually(() => drill.pauseTarget());
  const paused = ensemble.members.find((member) => member.address === pausedSession.connectedServer);
  if (!paused) throw new Error(`no member at ${pausedSession.connectedServer}`);
  await ensemble.pause(paused.id);
  await drill.progress();
  await ensemble.resume(paused.id);
  await ensemble.waitForQuorum();
  await drill.progress();

  for (const target of await eventually(() => drill.expireTargets())) await ensemble.expireSession(target);
  await drill.progress();
}
