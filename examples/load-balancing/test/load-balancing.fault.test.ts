import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startGateway,
  startProvider,
  type GatewayOptions,
  type MembershipChange,
  type RunningGateway,
} from '../src/index.ts';
import { killAll, spawnProvider, type PatternProcess } from './pattern-process.ts';
import { putJson, quietLogger, through } from './support.ts';

/**
 * The gateway's invariant under a real crash, on an ensemble of its own: while a bounded loop of
 * requests runs on loopback, a provider is killed with SIGKILL — and no client GET fails. Its
 * connections are refused at once, so the gateway retries each GET on another provider and the
 * provider's circuit opens after three failures; its ephemeral node stays until its session
 * expires, and then the gateway's watch drops it. The test measures both times. A provider that
 * shuts down with SIGTERM deregisters first: it leaves the list at once, and not even a POST fails.
 */
const SESSION_TIMEOUT_MS = 4_000;
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });

const started: ChildProcess[] = [];
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  killAll(started);
});

interface LoopResult {
  status: number;
  provider: string | undefined;
  attempts: number;
  method: string;
}

/**
 * `workers` clients sending requests one after another until `until()` holds (or `maxRequests`):
 * bounded, so a hang shows as a failed test rather than a runaway loop.
 */
async function requestLoop(
  url: string,
  {
    workers,
    maxRequests,
    until,
    withPosts,
  }: { workers: number; maxRequests: number; until: () => boolean; withPosts: boolean },
): Promise<LoopResult[]> {
  const results: LoopResult[] = [];
  let issued = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!until() && issued < maxRequests) {
        const n = issued++;
        const post = withPosts && n % 4 === 3;
        const answer = post
          ? await through(url, '/app/orders', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ item: `item-${worker}-${n}` }),
            })
          : await through(url, `/app/items/key-${n % 50}`);
        results.push({
          status: answer.status,
          provider: answer.provider,
          attempts: answer.attempts,
          method: post ? 'POST' : 'GET',
        });
      }
    }),
  );
  return results;
}

let tests = 0;

/**
 * Three provider processes and a gateway under a root of this test's own: a provider SIGKILLed by
 * the test before leaves its ephemeral node behind for a session timeout, and a namesake registering
 * over it would show up here as a leave and a join.
 */
async function setUp(
  gatewayOptions: Partial<GatewayOptions> = {},
): Promise<{ gateway: RunningGateway; providers: PatternProcess[]; root: string }> {
  const connect = dedicated.ensemble.connectString;
  const root = `/load-balancing-${++tests}`;
  const providers = await Promise.all(
    [1, 2, 3].map((n) =>
      spawnProvider(
        {
          ZK_CONNECT: connect,
          LB_ROOT: root,
          INSTANCE_ID: `provider-${n}`,
          SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
        },
        started,
      ),
    ),
  );
  gateway = await startGateway({ connectString: connect, root, logger: quietLogger, ...gatewayOptions });
  const running = gateway;
  await eventually(
    () =>
      expect(running.providers.providers.map((p) => p.id).sort()).toEqual([
        'provider-1',
        'provider-2',
        'provider-3',
      ]),
    {
      timeoutMs: 30_000,
    },
  );
  return { gateway: running, providers, root };
}

const leftAt = (gateway: RunningGateway, id: string): number | undefined =>
  gateway.feed.membership().find((change: MembershipChange) => change.type === 'left' && change.id === id)
    ?.at;

describe('a provider killed under load', () => {
  it('SIGKILL: 0 failed GETs; refused connections open its circuit at once, its session expiry removes it', async () => {
    const { gateway, providers } = await setUp();
    const victim = providers[1]!;
    let killedAt = 0;
    let circuitOpenAt = 0;
    let leftSeenAt: number | undefined;
    let afterLeft = 0;
    const watchCircuit = setInterval(() => {
      if (killedAt && !circuitOpenAt && gateway.balancer.circuit('provider-2').state === 'open')
        circuitOpenAt = Date.now();
    }, 5);
    const loop = requestLoop(gateway.url, {
      workers: 4,
      maxRequests: 20_000,
      withPosts: false,
      // Run on until the provider has been gone from the list for a while.
      until: () => {
        leftSeenAt ??= killedAt ? leftAt(gateway, 'provider-2') : undefined;
        if (leftSeenAt !== undefined) afterLeft++;
        return afterLeft > 200;
      },
    });
    await eventually(() => expect(gateway.stats.provider('provider-2').served).toBeGreaterThan(50), {
      timeoutMs: 20_000,
    });
    victim.child.kill('SIGKILL');
    killedAt = Date.now();
    await once(victim.child, 'exit');
    const results = await loop;
    clearInterval(watchCircuit);

    const gets = results.filter((result) => result.method === 'GET');
    const failed = gets.filter((result) => result.status !== 200);
    expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    expect(gets.length).toBeGreaterThan(400);

    const removedAfterMs = leftSeenAt! - killedAt;
    const circuitAfterMs = circuitOpenAt - killedAt;
    // The ephemeral node goes when the session expires: not before the session timeout's last
    // heartbeat could have arrived, and not much after the timeout.
    expect(removedAfterMs).toBeGreaterThan(SESSION_TIMEOUT_MS / 2);
    expect(removedAfterMs).toBeLessThan(SESSION_TIMEOUT_MS + 3_000);
    // Refused connections are noticed at once: the circuit opens long before ZooKeeper knows.
    expect(circuitOpenAt).toBeGreaterThan(0);
    expect(circuitAfterMs).toBeLessThan(1_000);
    const victimTraffic = gateway.stats.provider('provider-2');
    // Sent to it after the kill: the failures that opened the circuit (3, plus those already on the
    // way from the other workers) and the odd half-open trial — never a steady share.
    expect(victimTraffic.failed).toBeGreaterThanOrEqual(3);
    expect(victimTraffic.failed).toBeLessThanOrEqual(3 + 4 + 2);
    expect(gateway.stats.clientTotals.retries).toBe(victimTraffic.failed);
    const retried = gets.filter((result) => result.attempts > 1);
    expect(retried.every((result) => result.provider !== 'provider-2')).toBe(true);
    console.log(
      `[load-balancing fault] SIGKILL: ${gets.length} GETs, 0 failed, ${retried.length} retried; ` +
        `circuit open ${circuitAfterMs} ms after the kill (connection refused), ` +
        `provider left the list ${removedAfterMs} ms after the kill (session timeout ${SESSION_TIMEOUT_MS} ms)`,
    );
  }, 90_000);

  it('SIGTERM: it deregisters before it stops, leaves the list at once, and no GET or POST fails', async () => {
    const { gateway, providers } = await setUp();
    const leaving = providers[0]!;
    let stoppedAt = 0;
    let afterLeft = 0;
    let leftSeenAt: number | undefined;
    const loop = requestLoop(gateway.url, {
      workers: 4,
      maxRequests: 20_000,
      withPosts: true,
      until: () => {
        leftSeenAt ??= stoppedAt ? leftAt(gateway, 'provider-1') : undefined;
        if (leftSeenAt !== undefined) afterLeft++;
        return afterLeft > 200;
      },
    });
    await eventually(() => expect(gateway.stats.provider('provider-1').served).toBeGreaterThan(50), {
      timeoutMs: 20_000,
    });
    leaving.child.kill('SIGTERM');
    stoppedAt = Date.now();
    const [code] = (await once(leaving.child, 'exit')) as [number | null];
    const results = await loop;
    expect(code).toBe(0);
    const failed = results.filter((result) => result.status !== 200 && result.status !== 201);
    expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    expect(results.filter((result) => result.method === 'POST').length).toBeGreaterThan(50);
    const removedAfterMs = leftSeenAt! - stoppedAt;
    expect(removedAfterMs).toBeLessThan(1_000);
    expect(gateway.stats.provider('provider-1').failed).toBe(0);
    console.log(
      `[load-balancing fault] SIGTERM: ${results.length} requests (${results.filter((r) => r.method === 'POST').length} POSTs), 0 failed; ` +
        `provider left the list ${removedAfterMs} ms after SIGTERM (deregistered)`,
    );
  }, 90_000);

  it('SIGSTOP: attempts time out and go elsewhere (0 failed GETs); after SIGCONT a trial closes the circuit', async () => {
    const { gateway, providers } = await setUp({
      attemptTimeoutMs: 300,
      breaker: { failureThreshold: 3, openMs: 1_000 },
    });
    const paused = providers[2]!;
    let resumed = false;
    let servedAfterResume = 0;
    const loop = requestLoop(gateway.url, {
      workers: 4,
      maxRequests: 20_000,
      withPosts: false,
      until: () => resumed && gateway.stats.provider('provider-3').served > servedAfterResume + 20,
    });
    await eventually(() => expect(gateway.stats.provider('provider-3').served).toBeGreaterThan(50), {
      timeoutMs: 20_000,
    });
    paused.child.kill('SIGSTOP');
    const pausedAt = Date.now();
    try {
      // Its connections are still accepted by the kernel, so only the attempt timeout notices.
      await eventually(() => expect(gateway.balancer.circuit('provider-3').state).toBe('open'), {
        timeoutMs: 10_000,
      });
    } finally {
      paused.child.kill('SIGCONT');
    }
    const openedAfterMs = Date.now() - pausedAt;
    servedAfterResume = gateway.stats.provider('provider-3').served;
    resumed = true;
    // Paused well inside its 4 s session: it never left the list, and comes back through a trial.
    await eventually(() => expect(gateway.balancer.circuit('provider-3').state).toBe('closed'), {
      timeoutMs: 10_000,
    });
    const results = await loop;
    const failed = results.filter((result) => result.status !== 200);
    expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    expect(leftAt(gateway, 'provider-3')).toBeUndefined();
    expect(gateway.stats.provider('provider-3').failed).toBeGreaterThanOrEqual(3);
    expect(gateway.balancer.circuit('provider-3').timesOpened).toBeGreaterThanOrEqual(1);
    console.log(
      `[load-balancing fault] SIGSTOP: ${results.length} GETs, 0 failed, ${gateway.stats.clientTotals.retries} retried; ` +
        `circuit open ${openedAfterMs} ms after the pause (attempt timeout 300 ms), closed again after SIGCONT`,
    );
  }, 90_000);
});

describe('sessions expiring under load', () => {
  it('a provider’s session expires: it leaves the list, serves on, and comes back with its latest weight', async () => {
    const { gateway, root } = await setUp();
    const provider = await startProvider({
      connectString: dedicated.ensemble.connectString,
      root,
      instanceId: 'provider-4',
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      logger: quietLogger,
    });
    try {
      await eventually(() => expect(gateway.providers.providers.map((p) => p.id)).toContain('provider-4'));
      expect((await putJson(`${provider.url}/admin/weight`, { weight: 3 })).status).toBe(200);
      await eventually(() =>
        expect(gateway.providers.providers.find((p) => p.id === 'provider-4')?.weight).toBe(3),
      );
      let done = false;
      const loop = requestLoop(gateway.url, {
        workers: 4,
        maxRequests: 20_000,
        withPosts: true,
        until: () => done,
      });
      const expired = provider.client.sessionId;
      await dedicated.ensemble.expireSession({
        sessionId: expired,
        sessionPassword: provider.client.sessionPassword,
        connectedServer: provider.client.connectedServer,
      });
      // Gone with the session, then registered again on the new one — with weight 3, not the first 1.
      const changes = () => gateway.feed.membership().filter((change) => change.id === 'provider-4');
      await eventually(() => expect(changes().some((change) => change.type === 'left')).toBe(true), {
        timeoutMs: 15_000,
      });
      await eventually(
        () => {
          const last = changes().at(-1)!;
          expect(last.type).toBe('joined');
          expect(last.provider.weight).toBe(3);
        },
        { timeoutMs: 15_000 },
      );
      expect(provider.client.sessionId).not.toBe(expired);
      const servedAgain = gateway.stats.provider('provider-4').served;
      await eventually(
        () => expect(gateway.stats.provider('provider-4').served).toBeGreaterThan(servedAgain + 20),
        {
          timeoutMs: 15_000,
        },
      );
      done = true;
      const results = await loop;
      const failed = results.filter((result) => result.status !== 200 && result.status !== 201);
      expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    } finally {
      await provider.close();
    }
  }, 90_000);

  it('the gateway’s session expires: it keeps routing with its list, then reads it again', async () => {
    const { gateway, root } = await setUp();
    let done = false;
    const loop = requestLoop(gateway.url, {
      workers: 4,
      maxRequests: 20_000,
      withPosts: true,
      until: () => done,
    });
    await eventually(() => expect(gateway.stats.clientTotals.answered).toBeGreaterThan(100), {
      timeoutMs: 20_000,
    });
    const expired = gateway.client.sessionId;
    await dedicated.ensemble.expireSession({
      sessionId: expired,
      sessionPassword: gateway.client.sessionPassword,
      connectedServer: gateway.client.connectedServer,
    });
    await eventually(() => expect(gateway.client.sessionId).not.toBe(expired), { timeoutMs: 15_000 });
    // A provider joining after the expiry is seen: the watch works on the new session.
    const late = await startProvider({
      connectString: dedicated.ensemble.connectString,
      root,
      instanceId: 'provider-late',
      logger: quietLogger,
    });
    try {
      await eventually(() => expect(gateway.stats.provider('provider-late').served).toBeGreaterThan(20), {
        timeoutMs: 15_000,
      });
    } finally {
      done = true;
      await late.close();
    }
    const results = await loop;
    const failed = results.filter((result) => result.status !== 200 && result.status !== 201);
    expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    await eventually(() =>
      expect(gateway.providers.providers.map((p) => p.id).sort()).toEqual([
        'provider-1',
        'provider-2',
        'provider-3',
      ]),
    );
  }, 90_000);
});
