/**
 * One run of the config-center benchmark, in a fresh process (bench/suites/config-center.ts starts
 * it with the source condition, since it uses the pattern's package): N subscribers — each its own
 * session and its own ConfigSubscription — and one admin writer, then two workloads:
 *
 * - propagation: one change at a time; for each, the time from the write's acknowledgement (the
 *   setData promise resolving) to each subscriber having applied it (its `applied` event), all in
 *   this process's clock. The next change waits for every subscriber.
 * - rate: writes pipelined (a window in flight) for a fixed time; the acknowledged changes per
 *   second, how long after the last acknowledgement every subscriber held the last value, and how
 *   many of the values each subscriber saw (a cache may skip values overwritten before it read).
 *
 * Prints one JSON line (PropagationRunResult).
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ZooKeeperClient, isZooKeeperError } from '@zk-cookbook/core/client';
import {
  ConfigStore,
  ConfigSubscription,
  configAcl,
  configLayout,
  keyPath,
} from '@zk-cookbook/example-config-center';

export interface PropagationRunResult {
  mode: 'auto' | 'oneShot';
  watchMode: 'persistent' | 'oneShot';
  subscribers: number;
  changes: number;
  /** ms from acknowledgement to applied, one per subscriber and change; 0 when applied first */
  latenciesMs: number[];
  /** samples where the subscriber applied the change before the writer's promise resolved */
  appliedBeforeAck: number;
  rate: {
    acknowledged: number;
    elapsedMs: number;
    perSecond: number;
    /** from the last acknowledgement until every subscriber held the last value */
    convergedAfterMs: number;
    /** per subscriber: values applied / values written during the rate workload */
    seenFraction: number[];
  };
}

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    root: { type: 'string' },
    secret: { type: 'string' },
    mode: { type: 'string' },
    subscribers: { type: 'string', default: '20' },
    changes: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'duration-ms': { type: 'string', default: '5000' },
    window: { type: 'string', default: '32' },
  },
});
const connect = required(values.connect, '--connect');
const layout = configLayout(required(values.root, '--root'));
const secret = required(values.secret, '--secret');
const mode = values.mode === 'oneShot' ? 'oneShot' : 'auto';
const subscriberCount = Number(values.subscribers);
const changes = Number(values.changes);
const warmup = Number(values.warmup);
const durationMs = Number(values['duration-ms']);
const window = Number(values.window);
const STEP_TIMEOUT_MS = 10_000;

const writer = await ZooKeeperClient.connect(connect, {
  auth: [{ scheme: 'digest', auth: `admin:${secret}` }],
  logger: {},
});
// The pattern's own layout and ACLs: every run measures what the services do.
await new ConfigStore(writer, layout, { user: 'admin', secret }, pino({ level: 'silent' })).ensureLayout();
const clients = await Promise.all(
  Array.from({ length: subscriberCount }, () => ZooKeeperClient.connect(connect, { logger: {} })),
);
const subscriptions = clients.map(
  (client) => new ConfigSubscription(client, layout.config, { watchMode: mode }),
);
await Promise.all(subscriptions.map((subscription) => subscription.start({ timeoutMs: 30_000 })));

// subscriber index → mzxid → when it was applied (performance.now())
const applied = subscriptions.map(() => new Map<string, number>());
let waiter: { mzxid: string; remaining: Set<number>; resolve: () => void } | undefined;
subscriptions.forEach((subscription, index) => {
  subscription.on('applied', (change) => {
    if (change.type !== 'set') return;
    applied[index]!.set(change.mzxid, performance.now());
    if (waiter && BigInt(change.mzxid) >= BigInt(waiter.mzxid)) {
      waiter.remaining.delete(index);
      if (waiter.remaining.size === 0) waiter.resolve();
    }
  });
});

/** Resolves once every subscriber applied `mzxid` or a later write. */
function everyoneApplied(mzxid: string): Promise<void> {
  const remaining = new Set(
    subscriptions.flatMap((subscription, index) => {
      const held = subscription.get(currentKey);
      return held && BigInt(held.mzxid) >= BigInt(mzxid) ? [] : [index];
    }),
  );
  if (remaining.size === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`${remaining.size} subscriber(s) did not apply ${mzxid} within ${STEP_TIMEOUT_MS} ms`),
        ),
      STEP_TIMEOUT_MS,
    );
    waiter = {
      mzxid,
      remaining,
      resolve: () => {
        clearTimeout(timer);
        waiter = undefined;
        resolve();
      },
    };
  });
}

let currentKey = 'latency';
const hex = (zxid: bigint): string => `0x${zxid.toString(16)}`;
await upsert('latency', 'start');
await upsert('rate', 'start');

const latenciesMs: number[] = [];
let appliedBeforeAck = 0;
for (let change = 0; change < warmup + changes; change++) {
  const stat = await writer.setData(keyPath(layout, 'latency'), `value-${change}`);
  const acknowledgedAt = performance.now();
  const mzxid = hex(stat.mzxid);
  await everyoneApplied(mzxid);
  if (change < warmup) continue;
  for (const times of applied) {
    const at = times.get(mzxid);
    if (at === undefined) throw new Error(`a subscriber skipped ${mzxid} although writes were one at a time`);
    if (at < acknowledgedAt) appliedBeforeAck++;
    latenciesMs.push(Math.max(0, at - acknowledgedAt));
  }
}

currentKey = 'rate';
for (const times of applied) times.clear();
const started = performance.now();
let acknowledged = 0;
let lastStat: { mzxid: bigint } | undefined;
let lastAckAt = started;
await Promise.all(
  Array.from({ length: window }, async () => {
    while (performance.now() - started < durationMs) {
      const stat = await writer.setData(keyPath(layout, 'rate'), `rate-${acknowledged}`);
      acknowledged++;
      lastAckAt = performance.now();
      if (!lastStat || stat.mzxid > lastStat.mzxid) lastStat = stat;
    }
  }),
);
const elapsedMs = lastAckAt - started;
await everyoneApplied(hex(lastStat!.mzxid));
const convergedAt = performance.now();

const result: PropagationRunResult = {
  mode,
  watchMode: subscriptions[0]!.watchMode,
  subscribers: subscriberCount,
  changes,
  latenciesMs,
  appliedBeforeAck,
  rate: {
    acknowledged,
    elapsedMs,
    perSecond: (acknowledged / elapsedMs) * 1000,
    convergedAfterMs: convergedAt - lastAckAt,
    seenFraction: applied.map((times) => times.size / acknowledged),
  },
};
await Promise.all(subscriptions.map((subscription) => subscription.close()));
await Promise.all([writer, ...clients].map((client) => client.close()));
process.stdout.write(`${JSON.stringify(result)}\n`);

async function upsert(key: string, value: string): Promise<void> {
  try {
    await writer.create(keyPath(layout, key), value, { acl: configAcl('admin', secret) });
  } catch (error) {
    if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required`);
  return value;
}
