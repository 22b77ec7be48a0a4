import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayView } from '../src/index.ts';
import { killAll, startInPattern } from './pattern-process.ts';
import { getJson, tally, through } from './support.ts';

/**
 * The pattern as a reader runs it: `npx zk-cookbook run load-balancing` (against this file's chroot
 * of the shared ensemble, through ZK_CONNECT) starts two providers in eu-1, one of weight 2 in
 * us-1 and the gateway, as processes; on Ctrl-C each stops gracefully, deregistered, and exits 0.
 */
const zk = useZooKeeper('load-balancing-run');
const CLI = fileURLToPath(new URL('../../../shared/bin/zk-cookbook.js', import.meta.url));

const started: ChildProcess[] = [];
afterEach(() => killAll(started));

const run = (args: string[], env: Record<string, string>) =>
  startInPattern(args, { LOG_LEVEL: 'warn', ...env }, started);

describe('npx zk-cookbook run load-balancing', () => {
  it('starts three providers and the gateway, balances by weight, and stops them all gracefully on Ctrl-C', async () => {
    const { child, output } = run([CLI, 'run', 'load-balancing'], { ZK_CONNECT: zk.connectString });
    const urls = await eventually(
      () => {
        expect(output()).toContain('Press Ctrl-C to stop everything.');
        const found = [
          ...output().matchAll(/^\s*(provider-\d|provider-us-1|gateway-1)\s+(http:\/\/127\.0\.0\.1:\d+)/gm),
        ];
        return Object.fromEntries(found.map((match) => [match[1]!, match[2]!]));
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(Object.keys(urls).sort()).toEqual(['gateway-1', 'provider-1', 'provider-2', 'provider-us-1']);
    const gateway = urls['gateway-1']!;
    expect(output()).toContain(`requests per provider: ${gateway}/`);

    const { body } = await getJson<GatewayView>(`${gateway}/gateway/state`);
    expect(body.providers.map(({ id, weight, zone }) => [id, weight, zone])).toEqual([
      ['provider-1', 1, 'eu-1'],
      ['provider-2', 1, 'eu-1'],
      ['provider-us-1', 2, 'us-1'],
    ]);
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await through(gateway, '/app/hello'));
    expect(tally(answers)).toEqual({ 'provider-1': 10, 'provider-2': 10, 'provider-us-1': 20 });

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output()).toContain('Stopped.\n');
    expect(output()).not.toContain('not a graceful exit');
    expect(code).toBe(0);
    // Every provider deregistered (and every session closed): the service's node is empty or gone.
    const reader = await ZooKeeperClient.connect(zk.connectString, { logger: {} });
    try {
      await reader.sync('/');
      const stat = await reader.exists('/load-balancing/services/backend');
      if (stat) expect((await reader.getChildren('/load-balancing/services/backend')).children).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('a service with a wrong setting exits 1 and says which', async () => {
    const { child, output } = run(
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/provider-main.ts'],
      {
        ZK_CONNECT: zk.connectString,
        WEIGHT: 'heavy',
      },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output()).toContain('WEIGHT');
  }, 60_000);
});
