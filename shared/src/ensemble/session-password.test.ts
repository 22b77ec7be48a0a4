import { describe, expect, it } from 'vitest';
import { StateRecorder, eventually, useZooKeeper } from '../../test-support/index.ts';
import { expireSession } from './expire-session.ts';
import { sessionPasswordOf } from './session-password.ts';

const zk = useZooKeeper('session-password');

describe('sessionPasswordOf against real servers', () => {
  it('derives the password every server handed its own client', async () => {
    // One client per server: session ids carry the id of the server that created them.
    const servers = zk.ensembleConnectString.split(',');
    const clients = await Promise.all(servers.map((server) => zk.connectVia(server)));
    expect(new Set(clients.map((client) => client.sessionId)).size).toBe(servers.length);
    for (const client of clients) {
      expect(Buffer.from(sessionPasswordOf(client.sessionId))).toEqual(client.sessionPassword);
    }
  });

  it("expires another process's session from its ephemeral node's owner alone", async () => {
    const owner = await zk.connect();
    const recorder = new StateRecorder(owner);
    await owner.create('/held', 'mine', { mode: 'ephemeral' });
    const observer = await zk.connect();
    const sessionId = (await observer.exists('/held'))!.ephemeralOwner;

    // A wrong password is refused like an unknown session: the session and its node stay.
    const wrong = sessionPasswordOf(sessionId);
    wrong[0]! ^= 0xff;
    const others = zk.ensembleConnectString.split(',').filter((server) => server !== owner.connectedServer);
    await expireSession(others.join(','), { sessionId, sessionPassword: wrong });
    expect(await observer.exists('/held')).not.toBeNull();
    expect(recorder.names).not.toContain('lost');

    await expireSession(others.join(','), { sessionId, sessionPassword: sessionPasswordOf(sessionId) });
    await eventually(async () => expect(await observer.exists('/held')).toBeNull());
    await recorder.waitFor('lost');
  });
});
