import { describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import { StateRecorder, eventually, useDedicatedEnsemble } from '../../../test-support/index.ts';
import { EventModel, randomMutations, readTree, viewOf } from '../../../test-support/cache-events.ts';
import { TreeCache } from './tree-cache.ts';

/**
 * A TreeCache against real server faults, while two writers on other servers keep changing the tree:
 * the server the cache's client is connected to is paused (SIGSTOP) for longer than the client's read
 * deadline, so the client moves to another server within its session; and the session is expired by
 * the servers. Afterwards the cache, and the tree rebuilt from its events alone, equal the server's.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });

async function setUp(root: string, watchMode: 'auto' | 'oneShot') {
  const ensemble = dedicated.ensemble;
  const client = await ZooKeeperClient.connect(ensemble.connectString, {
    sessionTimeoutMs: 6000,
    logger: {},
  });
  const recorder = new StateRecorder(client);
  const member = ensemble.members.find((candidate) => candidate.address === client.connectedServer)!;
  const others = ensemble.members
    .filter((candidate) => candidate !== member)
    .map((candidate) => candidate.id);
  const writers = await Promise.all(
    [0, 1].map(() => ZooKeeperClient.connect(ensemble.connectStringOf(others), { logger: {} })),
  );
  await writers[0]!.create(root);
  await randomMutations(writers[0]!, root, { operations: 80, seed: 11 });
  const cache = new TreeCache(client, root, { watchMode });
  const model = new EventModel(cache);
  await cache.start({ timeoutMs: 20_000 });
  const closeAll = async (): Promise<void> => {
    await cache.close();
    expect(client.watchCount).toBe(0);
    await Promise.all([client, ...writers].map((each) => each.close()));
  };
  return { client, recorder, member, writers, cache, model, closeAll };
}

async function expectConsistent(
  cache: TreeCache,
  model: EventModel,
  reader: ZooKeeperClient,
  root: string,
): Promise<void> {
  await eventually(
    async () => {
      await reader.sync(root);
      const tree = await readTree(reader, root);
      expect(viewOf(cache.snapshot().values())).toEqual(tree);
      expect(model.view()).toEqual(tree);
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  expect(model.violations).toEqual([]);
}

describe.each(['auto', 'oneShot'] as const)('TreeCache under faults (watchMode %s)', (watchMode) => {
  it('equals the tree after its server was paused and resumed while writers changed it', async () => {
    const root = `/paused-${watchMode}`;
    const { client, recorder, member, writers, cache, model, closeAll } = await setUp(root, watchMode);
    const session = client.sessionId;
    const writing = Promise.all(
      writers.map((writer, index) =>
        randomMutations(writer, root, { operations: 400, seed: 200 + index, concurrency: 4 }),
      ),
    );
    await dedicated.ensemble.pause(member.id);
    try {
      await recorder.waitFor('suspended');
      await recorder.waitFor('reconnected');
    } finally {
      await dedicated.ensemble.resume(member.id);
    }
    await writing;
    expect(client.sessionId).toBe(session);
    // The resync after reconnecting runs in the background: wait for it before comparing.
    await eventually(() => expect(model.log).toContain('resynced reconnected'));
    await expectConsistent(cache, model, writers[0]!, root);
    await closeAll();
  });

  it('equals the tree after its session was expired while writers changed it', async () => {
    const root = `/expired-${watchMode}`;
    const { client, recorder, writers, cache, model, closeAll } = await setUp(root, watchMode);
    const session = client.sessionId;
    const writing = Promise.all(
      writers.map((writer, index) =>
        randomMutations(writer, root, { operations: 400, seed: 300 + index, concurrency: 4 }),
      ),
    );
    await dedicated.ensemble.expireSession({
      sessionId: session,
      sessionPassword: client.sessionPassword,
      connectedServer: client.connectedServer,
    });
    await recorder.waitFor('lost');
    await writing;
    await eventually(() => expect(model.log).toContain('resynced newSession'));
    await expectConsistent(cache, model, writers[0]!, root);
    expect(client.sessionId).not.toBe(session);
    // The watch of the new session works.
    await writers[1]!.create(`${root}/after-expiry`, 'x');
    await eventually(() => expect(cache.get(`${root}/after-expiry`)).toBeDefined());
    await closeAll();
  });
});
