import { afterAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient, withRetry } from '../../client/index.ts';
import {
  eventually,
  startNodePeer,
  useDedicatedEnsemble,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { DistributedQueue } from './distributed-queue.ts';
import { stringSerializer } from './queue-serializer.ts';

/**
 * No item lost, and none processed twice in exactly-once mode, under real faults.
 *
 * Two queues are worked at once by consumers in three processes (one at-least-once and one
 * exactly-once consumer per process, each on its own session) while the leader is killed, a
 * consumer's server is paused (SIGSTOP) past the session timeout, a consumer's session is expired
 * and one whole consumer process is SIGKILLed mid-item.
 *
 * Every processing of an item leaves an effect znode `<effects>/<item>-…` holding "<consumer>
 * <session>": the exactly-once consumers commit it with their fenced acknowledgement, the
 * at-least-once consumers write it from the handler before working on (like any side effect
 * outside the queue). Afterwards: every item has an effect (nothing lost); exactly-once items have
 * exactly one; an at-least-once item with several has all but one from sessions that died.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const peers: JsonLinePeer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

const MODES = ['at-least-once', 'exactly-once'] as const;
type Mode = (typeof MODES)[number];
const paths = (mode: Mode): { queue: string; claims: string; effects: string } => ({
  queue: `/safety/${mode}`,
  claims: `/safety/${mode}-claims`,
  effects: `/safety/${mode}-effects`,
});

describe('DistributedQueue safety', () => {
  it('loses no item, and processes none twice in exactly-once mode, through leader death, a paused server, an expired session and a killed consumer', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, {
      sessionTimeoutMs: 6000,
      logger: {},
    });
    await admin.create('/safety');
    for (const mode of MODES) await admin.create(paths(mode).effects);

    // Producers: numbered items, topped up in the background so that consumers stay busy throughout.
    const put = { 'at-least-once': 0, 'exactly-once': 0 };
    const possibleDuplicates = new Set<string>();
    const itemName = (index: number): string => `n${String(index).padStart(5, '0')}`;
    const topUp = async (backlog: number): Promise<void> => {
      for (const mode of MODES) {
        const queue = new DistributedQueue(admin, paths(mode).queue, { serializer: stringSerializer });
        for (let missing = backlog - (await queue.size()); missing > 0; missing--) {
          const item = itemName(++put[mode]);
          if ((await queue.put(item)).possibleDuplicate) possibleDuplicates.add(`${mode} ${item}`);
        }
      }
    };
    await topUp(60);
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await topUp(60).catch(() => {}); // a put interrupted by a fault is retried by the next round
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // Consumers: three processes, each with an at-least-once and an exactly-once consumer.
    const deadSessions = new Set<string>();
    const fenced: string[] = [];
    const failures: string[] = [];
    const consumers = new Map<string, { peer: JsonLinePeer; client: string }>();
    // Started together: on a loaded machine a peer may take long to start, so one retry each.
    const started = await Promise.all(
      [1, 2, 3].map((p) => startNodePeer(`queue-${p}`).catch(() => startNodePeer(`queue-${p}`))),
    );
    peers.push(...started);
    for (const p of [1, 2, 3]) {
      const peer = started[p - 1]!;
      peer.on('event', ({ event, data }) => {
        if (event === 'connectionState' && data.state === 'lost') deadSessions.add(String(data.sessionId));
        if (event === 'queue.fenced') fenced.push(`${String(data.consumer)} ${String(data.itemName)}`);
        if (event === 'queue.workFailed' || event === 'queue.itemFailed' || event === 'queue.corrupt')
          failures.push(`${event} ${JSON.stringify(data)}`);
      });
      for (const [index, mode] of MODES.entries()) {
        const client = `c${index + 1}`;
        const consumer = `p${p}-${mode}`;
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
        const { queue, claims, effects } = paths(mode);
        await peer.call('queue.work', {
          client,
          consumer,
          mode,
          path: queue,
          lockPath: claims,
          effectsPath: effects,
          // The process that will be killed works slower, so that the kill lands mid-item.
          processMs: p === 3 ? 400 : 100,
        });
        consumers.set(consumer, { peer, client });
      }
    }
    const session = (consumer: string): Promise<{ sessionId: string; password: string; server: string }> => {
      const { peer, client } = consumers.get(consumer)!;
      return peer.call('client.session', { client });
    };
    const effectCount = async (): Promise<number> => {
      let total = 0;
      for (const mode of MODES) {
        total += (await withRetry(() => admin.exists(paths(mode).effects), { retries: 20 }))!.numChildren;
      }
      return total;
    };
    const progress = async (more: number): Promise<void> => {
      const target = (await effectCount()) + more;
      await eventually(async () => expect(await effectCount()).toBeGreaterThanOrEqual(target), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    };

    await progress(20);
    // 1. The leader dies; a new one is elected; the old one returns as a follower.
    const leader = await ensemble.waitForQuorum();
    await ensemble.kill(leader.id);
    await ensemble.waitForQuorum();
    await ensemble.restart(leader.id);
    await progress(20);

    // 2. The server of an exactly-once consumer hangs (SIGSTOP) for longer than the session timeout.
    const { server } = await session('p1-exactly-once');
    const paused = ensemble.members.find((member) => member.address === server)!;
    await ensemble.pause(paused.id);
    await progress(20);
    await new Promise((resolve) => setTimeout(resolve, 4500)); // past the 4 s session timeout
    await ensemble.resume(paused.id);
    await ensemble.waitForQuorum();
    await progress(20);

    // 3. The sessions of two consumers, one of each mode, are expired by the servers mid-work.
    for (const consumer of ['p2-at-least-once', 'p2-exactly-once']) {
      const victim = await session(consumer);
      deadSessions.add(victim.sessionId);
      await ensemble.expireSession({
        sessionId: BigInt(`0x${victim.sessionId}`),
        sessionPassword: Buffer.from(victim.password, 'base64'),
        connectedServer: victim.server,
      });
    }
    await progress(20);

    // 4. A whole consumer process is killed mid-item; its claims vanish when its sessions expire.
    for (const mode of MODES) deadSessions.add((await session(`p3-${mode}`)).sessionId);
    const { item: killedMidItem } = await peers[2]!.waitForEvent(
      'queue.applied',
      (data) => data.consumer === 'p3-at-least-once',
      20_000,
    );
    peers[2]!.kill();
    await progress(20);

    // Drain: every item put must get processed by the survivors.
    producing = false;
    await producer;
    await eventually(
      async () => {
        for (const mode of MODES) {
          expect(await new DistributedQueue(admin, paths(mode).queue).size()).toBe(0);
        }
      },
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    for (const [consumer, { peer }] of consumers) {
      if (peer !== peers[2]) await peer.call('queue.stopWork', { consumer }, { timeoutMs: 20_000 });
    }

    const report: Record<string, unknown> = { fenced: fenced.length, deadSessions: deadSessions.size };
    for (const mode of MODES) {
      const { children } = await admin.getChildren(paths(mode).effects);
      const effectsByItem = new Map<string, string[]>();
      for (const child of children) {
        const item = child.slice(0, child.indexOf('-'));
        effectsByItem.set(item, [...(effectsByItem.get(item) ?? []), child]);
      }
      const items = Array.from({ length: put[mode] }, (_, index) => itemName(index + 1));
      // Nothing lost: every item put was processed.
      expect(
        items.filter((item) => !effectsByItem.has(item)),
        `${mode}: items never processed`,
      ).toEqual([]);
      expect(effectsByItem.size).toBe(items.length);
      const duplicated = [...effectsByItem].filter(([, effects]) => effects.length > 1);
      if (mode === 'exactly-once') {
        // None processed twice: the effect of each item was applied exactly once.
        const unexplained = duplicated.filter(([item]) => !possibleDuplicates.has(`${mode} ${item}`));
        expect(unexplained, 'exactly-once items whose effect was applied more than once').toEqual([]);
      } else {
        // The item the killed consumer had applied but not acknowledged was processed again.
        expect(effectsByItem.get(String(killedMidItem))?.length).toBeGreaterThanOrEqual(2);
        // Processed twice only when a consumer died mid-item: all but one effect from dead sessions.
        for (const [item, effects] of duplicated) {
          const owners = await Promise.all(
            effects.map(async (effect) =>
              (await admin.getData(`${paths(mode).effects}/${effect}`)).data.toString(),
            ),
          );
          const fromDeadSessions = owners.filter((owner) => deadSessions.has(owner.split(' ')[1]!)).length;
          expect(fromDeadSessions, `${item} processed by ${owners.join(', ')}`).toBeGreaterThanOrEqual(
            effects.length - 1,
          );
        }
      }
      report[mode] = { items: items.length, duplicated: duplicated.length };
      // No claim is left behind by the survivors.
      await admin.sync(paths(mode).claims);
      expect((await admin.getChildren(paths(mode).claims)).children).toEqual([]);
    }
    expect(failures).toEqual([]);
    await admin.close();
    console.info(`queue safety: ${JSON.stringify(report)}`);
  });
});
