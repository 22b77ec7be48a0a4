import { afterEach, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from './index.ts';
import { StateRecorder, useDedicatedEnsemble } from '../../test-support/index.ts';

/**
 * Read-only mode: a server cut off from its quorum keeps answering reads (readonlymode.enabled),
 * and a client that allows it (canBeReadOnly) stays useful for reads during a partition, then moves
 * back to a read-write server on its own once the quorum returns.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200, readOnlyMode: true });
const clients: ZooKeeperClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

describe('read-only mode', () => {
  it('serves reads without a quorum, refuses writes with NOTREADONLY, and returns to read-write', async () => {
    const ensemble = dedicated.ensemble;
    const leader = await ensemble.waitForQuorum();
    const survivor = ensemble.participants.find((member) => member.id !== leader.id)!;
    const writer = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    clients.push(writer);
    await writer.create('/ro', 'readable');

    const client = new ZooKeeperClient(
      [survivor, ...ensemble.participants.filter((member) => member !== survivor)]
        .map((m) => m.address)
        .join(','),
      { canBeReadOnly: true, sessionTimeoutMs: 10_000, shuffleServers: false, logger: {} },
    );
    client.start();
    clients.push(client);
    await client.waitForConnected();
    expect(client.state).toBe('connected');
    // The survivor must have /ro before it is cut off (local sessions: connecting proves nothing).
    await client.sync('/ro');
    const states = new StateRecorder(client);

    for (const member of ensemble.participants) if (member !== survivor) await ensemble.kill(member.id);
    await states.waitFor('readOnly', { timeoutMs: 30_000 });
    expect(client.state).toBe('readOnly');
    expect(client.connectedServer).toBe(survivor.address);
    expect((await client.getData('/ro')).data.toString()).toBe('readable');
    await expect(client.create('/ro/write')).rejects.toMatchObject({
      code: 'NOTREADONLY',
      path: '/ro/write',
    });

    for (const member of ensemble.participants) if (member !== survivor) await ensemble.restart(member.id);
    await ensemble.waitForQuorum();
    await client.waitForState(['connected'], { timeoutMs: 30_000 });
    expect(states.names.at(-1)).toMatch(/connected|reconnected/);
    expect(await client.create('/ro/write')).toBe('/ro/write');
  });

  it('without canBeReadOnly, a client does not accept a read-only server', async () => {
    const ensemble = dedicated.ensemble;
    const leader = await ensemble.waitForQuorum();
    const survivor = ensemble.participants.find((member) => member.id !== leader.id)!;
    for (const member of ensemble.participants) if (member !== survivor) await ensemble.kill(member.id);
    const started = Date.now();
    await expect(
      ZooKeeperClient.connect(survivor.address, { connectTimeoutMs: 3000, logger: {} }),
    ).rejects.toMatchObject({ code: 'CONNECTIONLOSS' });
    expect(Date.now() - started).toBeLessThan(5000);
    for (const member of ensemble.participants) if (member !== survivor) await ensemble.restart(member.id);
    await ensemble.waitForQuorum();
  });
});
