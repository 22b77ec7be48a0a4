import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  openHeadlessBrowser,
  useZooKeeper,
  type HeadlessBrowser,
} from '@zk-cookbook/core/testing';
import {
  DEMO_SCHEMA,
  parseEditors,
  startConfigurator,
  startSubscriberService,
  type RunningConfigurator,
  type RunningSubscriberService,
} from '../src/index.ts';
import { ConfiguratorApi } from './api-client.ts';

// The web UI in headless Chromium (Debian's, nothing downloaded), against the shared ensemble:
// edit → publish → a subscriber applies it → roll back → it applies the old value.

const zk = useZooKeeper('configurator-web-ui');
const silent = pino({ level: 'silent' });

describe('the Configurator web UI in a browser', () => {
  let configurator: RunningConfigurator;
  let subscriber: RunningSubscriberService;
  let headless: HeadlessBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const first = { greeting: 'hello', maxConnections: 100 };
  const second = { greeting: 'bonjour', maxConnections: 250, features: { darkMode: true } };

  const subscriberValue = async () =>
    (await (await fetch(`${subscriber.url}/config/app`)).json()) as { version: number; value: unknown };
  const instanceRow = () => page.locator('[data-testid="instance-row"][data-instance="web-1"]');
  const status = () => page.getByTestId('status');
  const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

  beforeAll(async () => {
    configurator = await startConfigurator({
      connectString: zk.connectString,
      editors: parseEditors({ passwords: 'alice:alice-secret' }),
      logger: silent,
    });
    const alice = new ConfiguratorApi(configurator.url).as('alice', 'alice-secret');
    await eventually(async () => expect((await fetch(`${configurator.url}/readyz`)).status).toBe(200));
    expect((await alice.post('/api/namespaces', { name: 'web', schema: DEMO_SCHEMA })).status).toBe(201);
    expect(
      (await alice.post('/api/namespaces/web/keys/app/versions', { value: first, message: 'first' })).status,
    ).toBe(201);
    subscriber = await startSubscriberService({
      connectString: zk.connectString,
      namespace: 'web',
      instanceId: 'web-1',
      logger: silent,
    });

    headless = await openHeadlessBrowser(`${configurator.url}/`, {
      viewport: { width: 1280, height: 1000 },
      pageErrors,
    });
    page = headless.page;
  });

  afterAll(async () => {
    await headless?.close();
    await subscriber?.close();
    await configurator?.close();
  });

  it('shows the namespace, the key at its current version, and which instance runs which version', async () => {
    await poll(() => page.getByTestId('namespace').inputValue()).toBe('web');
    await poll(() => page.getByTestId('key').inputValue()).toBe('app');
    await poll(() => page.getByTestId('key-state').getAttribute('data-current')).toBe('1');
    expect(JSON.parse(await page.getByTestId('editor').inputValue())).toEqual(first);
    await poll(() => instanceRow().getAttribute('data-version')).toBe('1');
  });

  it('refuses to publish without signing in, and signs in as an editor', async () => {
    await page.getByTestId('message').fill('anonymous attempt');
    await page.getByTestId('publish').click();
    await poll(() => status().textContent()).toContain('401 UNAUTHENTICATED');
    await page.getByTestId('login-user').fill('alice');
    await page.getByTestId('login-password').fill('alice-secret');
    await page.getByTestId('login-submit').click();
    await poll(() => page.getByTestId('whoami').getAttribute('data-user')).toBe('alice');
  });

  it('validates against the namespace schema and names the offending field', async () => {
    await page.getByTestId('editor').fill(JSON.stringify({ greeting: 'hi', maxConnections: 0 }));
    await page.getByTestId('validate').click();
    await poll(() => status().textContent()).toMatch(/422 SCHEMA_VIOLATION.*field \/maxConnections/);
  });

  it('edit → publish → the subscriber applies it', async () => {
    await page.getByTestId('editor').fill(JSON.stringify(second, null, 2));
    await page.getByTestId('message').fill('say it in French');
    await page.getByTestId('publish').click();
    await poll(() => status().textContent()).toBe('published v2');
    await eventually(async () =>
      expect(await subscriberValue()).toEqual({ key: 'app', version: 2, value: second, source: 'zookeeper' }),
    );
    await poll(() => instanceRow().getAttribute('data-version')).toBe('2');
    await poll(() => page.locator('[data-testid="history-row"]').count()).toBe(2);
  });

  it('shows the diff between the two versions', async () => {
    await page.getByTestId('diff-from').selectOption('1');
    await page.getByTestId('diff-to').selectOption('2');
    await page.getByTestId('diff').click();
    await poll(() => page.getByTestId('diff-change').allTextContents()).toEqual([
      '+ /features = {"darkMode":true}',
      '~ /greeting: "hello" → "bonjour"',
      '~ /maxConnections: 100 → 250',
    ]);
  });

  it('roll back → the subscriber applies the old value, as a new version', async () => {
    await page.getByTestId('message').fill('French confused people');
    await page.locator('[data-testid="history-row"][data-version="1"] [data-action="rollback"]').click();
    await poll(() => status().textContent()).toBe('rolled back: v3 repeats v1');
    await eventually(async () =>
      expect(await subscriberValue()).toEqual({ key: 'app', version: 3, value: first, source: 'zookeeper' }),
    );
    await poll(() => instanceRow().getAttribute('data-version')).toBe('3');
    await poll(() => page.getByTestId('key-state').getAttribute('data-current')).toBe('3');
    await poll(() => page.locator('[data-testid="history-row"][data-version="3"]').textContent()).toContain(
      'rollback of v1',
    );
    expect(pageErrors).toEqual([]);
  });
});
