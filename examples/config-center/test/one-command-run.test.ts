import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { SubscriberState } from '../src/index.ts';
import { getJson } from './support.ts';

/**
 * The pattern as a reader runs it: `npx zk-cookbook run config-center` (against this file's chroot
 * of the shared ensemble, through ZK_CONNECT) starts the publisher and three subscribers as
 * processes, and on Ctrl-C stops every one with SIGTERM — each must finish gracefully and exit 0.
 */
const zk = useZooKeeper('config-center-run');
const CLI = fileURLToPath(new URL('../../../shared/bin/zk-cookbook.js', import.meta.url));
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));
// The demo secret of the manifest (package.json), which the README tells readers to use locally.
const DEMO_SECRET = 'demo-secret-change-me';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: PATTERN_DIRECTORY,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

describe('npx zk-cookbook run config-center', () => {
  it('starts the publisher and three subscribers, and stops them all gracefully on Ctrl-C', async () => {
    const { child, output } = run([CLI, 'run', 'config-center'], { ZK_CONNECT: zk.connectString });
    const urls = await eventually(
      () => {
        expect(output()).toContain('Press Ctrl-C to stop everything.');
        const found = [
          ...output().matchAll(/^\s*(publisher-1|subscriber-\d)\s+(http:\/\/127\.0\.0\.1:\d+)/gm),
        ];
        return Object.fromEntries(found.map((match) => [match[1]!, match[2]!]));
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(Object.keys(urls).sort()).toEqual(['publisher-1', 'subscriber-1', 'subscriber-2', 'subscriber-3']);
    expect(output()).toContain(`live values: ${urls['publisher-1']}/`);

    const publisher = urls['publisher-1']!;
    const written = await getJson<{ mzxid: string }>(`${publisher}/api/config/greeting`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`admin:${DEMO_SECRET}`).toString('base64')}`,
      },
      body: JSON.stringify({ value: 'hello, workshop' }),
    });
    expect(written.status).toBe(201);
    await eventually(
      async () => {
        const { body } = await getJson<{ subscribers: SubscriberState[] }>(`${publisher}/api/subscribers`);
        expect(body.subscribers.map((subscriber) => subscriber.instanceId)).toEqual([
          'subscriber-1',
          'subscriber-2',
          'subscriber-3',
        ]);
        for (const subscriber of body.subscribers)
          expect(subscriber.values.greeting?.mzxid).toBe(written.body.mzxid);
      },
      { timeoutMs: 15_000 },
    );

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output()).toContain('Stopped.\n');
    expect(output()).not.toContain('not a graceful exit');
    expect(code).toBe(0);
    // Every subscriber deregistered (and every session closed): the registry is empty at once.
    const reader = await ZooKeeperClient.connect(zk.connectString, { logger: {} });
    try {
      await reader.sync('/config-center/subscribers');
      expect((await reader.getChildren('/config-center/subscribers')).children).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('a subscriber process ends its open event streams, deregisters and exits 0 on SIGTERM', async () => {
    const { child, output } = run(
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/subscriber-main.ts', '--port', '0'],
      { ZK_CONNECT: zk.connectString, INSTANCE_ID: 'subscriber-sigterm', LOG_LEVEL: 'info' },
    );
    const url = await eventually(
      () => {
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"subscriber listening"/.exec(output());
        expect(match).not.toBeNull();
        return match![1]!;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const reader = await zk.connect();
    await eventually(async () => {
      await reader.sync('/');
      expect(await reader.exists('/config-center/subscribers/subscriber-sigterm')).not.toBeNull();
    });
    // A stream never ends by itself: shutdown must end it rather than wait for it.
    const stream = await fetch(`${url}/config/events`);
    const streamEnded = (async () => {
      for await (const _chunk of stream.body!);
    })();
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    await streamEnded;
    expect(output()).toContain('"msg":"stopped"');
    await reader.sync('/');
    expect(await reader.exists('/config-center/subscribers/subscriber-sigterm')).toBeNull();
  }, 60_000);

  it('a service with a missing setting exits 1 and says which', async () => {
    const { child, output } = run(
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/publisher-main.ts'],
      {
        ZK_CONNECT: zk.connectString,
        ADMIN_SECRET: '',
      },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output()).toContain('ADMIN_SECRET is required');
  }, 60_000);
});
