/**
 * The Configurator's headline numbers, as one program (run by bench/suites/configurator.ts through
 * `node --conditions=zk-cookbook-source --import tsx`, one fresh process per round):
 * - publishes/s: versioned publishes one after another (validate, read the key, the checked multi,
 *   prune) against the peer — a plain setData of the same value, no versions, no check;
 * - publish → applied: from issuing a write until every one of S subscribers has applied it, for a
 *   versioned publish seen by ConfigSubscriber and for the peer's setData seen by a NodeCache.
 * Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { ZooKeeperClient, deleteRecursive, ensurePath } from '@zk-cookbook/core/client';
import { NodeCache } from '@zk-cookbook/core/recipes/cache';
import { pino } from 'pino';
import { ConfigSubscriber, ConfigStore, ConfiguratorLayout, parseEditors } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    root: { type: 'string' },
    publishes: { type: 'string', default: '1000' },
    subscribers: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '200' },
  },
});
const connect = values.connect!;
const root = values.root!;
const publishes = Number(values.publishes);
const subscriberCount = Number(values.subscribers);
const latencyRounds = Number(values.rounds);
const silent = pino({ level: 'silent' });
const editors = parseEditors({ passwords: 'bench:bench-secret' });
const value = (n: number) => ({ n, greeting: 'hello', maxConnections: 100, padding: 'x'.repeat(100) });

const admin = await ZooKeeperClient.connect(connect);
const writer = await ZooKeeperClient.connect(connect, {
  auth: [{ scheme: 'digest', auth: 'bench:bench-secret' }],
});
const layout = new ConfiguratorLayout(root);
const store = new ConfigStore({ client: writer, layout, editors, logger: silent });
const clients: ZooKeeperClient[] = [];
try {
  await ensurePath(admin, root, { parentMode: 'persistent' });
  await store.ensureLayout();
  await store.createNamespace(writer, { name: 'bench', description: '', schema: null, author: 'bench' });
  const plainPath = `${root}/plain`;
  await admin.create(plainPath, JSON.stringify(value(0)));

  // Warm-up, untimed: JIT and the server's caches.
  for (let n = 0; n < Math.min(100, publishes); n++) {
    await store.publish(writer, {
      namespace: 'bench',
      key: 'warm-up',
      value: value(n),
      message: 'warm-up',
      author: 'bench',
    });
    await writer.setData(plainPath, JSON.stringify(value(n)));
  }

  let started = performance.now();
  for (let n = 0; n < publishes; n++)
    await store.publish(writer, {
      namespace: 'bench',
      key: 'throughput',
      value: value(n),
      message: 'bench',
      author: 'bench',
    });
  const versionedPerSecond = publishes / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let n = 0; n < publishes; n++) await writer.setData(plainPath, JSON.stringify(value(n)));
  const plainPerSecond = publishes / ((performance.now() - started) / 1000);

  // Latency: S subscribers each on its own session, one write at a time.
  const connectEach = async () => {
    const client = await ZooKeeperClient.connect(connect);
    clients.push(client);
    return client;
  };
  const subscribers = await Promise.all(
    Array.from({ length: subscriberCount }, async (_, index) => {
      const subscriber = new ConfigSubscriber({
        client: await connectEach(),
        namespace: 'bench',
        instanceId: `bench-${index}`,
        root,
        logger: silent,
      });
      await subscriber.start();
      return subscriber;
    }),
  );
  const caches = await Promise.all(
    Array.from({ length: subscriberCount }, async () => {
      const cache = new NodeCache(await connectEach(), plainPath);
      await cache.start({ timeoutMs: 10_000 });
      return cache;
    }),
  );
  const versionedLatencies: number[] = [];
  const plainLatencies: number[] = [];
  for (let round = 0; round < latencyRounds; round++) {
    const marker = value(1_000_000 + round);
    // Versioned: a subscriber has applied it when its `applied` event for this version arrives.
    const issued = performance.now();
    const appliedAll = Promise.all(
      subscribers.map(
        (subscriber) =>
          new Promise<void>((resolve) => {
            const onApplied = (key: string, applied: { value: unknown }) => {
              if (key !== 'latency' || (applied.value as { n: number }).n !== marker.n) return;
              versionedLatencies.push(performance.now() - issued);
              subscriber.off('applied', onApplied);
              resolve();
            };
            subscriber.on('applied', onApplied);
          }),
      ),
    );
    await store.publish(writer, {
      namespace: 'bench',
      key: 'latency',
      value: marker,
      message: 'latency',
      author: 'bench',
    });
    await appliedAll;

    const written = performance.now();
    const text = JSON.stringify(marker);
    const changedAll = Promise.all(
      caches.map(
        (cache) =>
          new Promise<void>((resolve) => {
            const onChanged = (node: { data: Buffer }) => {
              if (node.data.toString() !== text) return;
              plainLatencies.push(performance.now() - written);
              cache.off('changed', onChanged);
              resolve();
            };
            cache.on('changed', onChanged);
          }),
      ),
    );
    await writer.setData(plainPath, text);
    await changedAll;
  }
  await Promise.all([
    ...subscribers.map((subscriber) => subscriber.close()),
    ...caches.map((cache) => cache.close()),
  ]);
  const percentile = (samples: number[], p: number) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
  };
  process.stdout.write(
    `${JSON.stringify({
      publishes,
      subscribers: subscriberCount,
      latencyRounds,
      versionedPerSecond,
      plainPerSecond,
      versionedLatencyMs: {
        p50: percentile(versionedLatencies, 50),
        p99: percentile(versionedLatencies, 99),
      },
      plainLatencyMs: { p50: percentile(plainLatencies, 50), p99: percentile(plainLatencies, 99) },
    })}\n`,
  );
} finally {
  await Promise.all(clients.map((client) => client.close()));
  // The writer: versions carry the editors' ACL, which lets everyone else only read.
  await deleteRecursive(writer, root).catch(() => undefined);
  await Promise.all([writer.close(), admin.close()]);
}
