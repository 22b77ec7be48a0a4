import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import {
  eventually,
  openHeadlessBrowser,
  useZooKeeper,
  type HeadlessBrowser,
} from '@zk-cookbook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPublisher,
  startSubscriber,
  type RunningPublisher,
  type RunningSubscriber,
} from '../src/index.ts';
import { ADMIN_SECRET, publish, quietLogger } from './support.ts';

// The live page in headless Chromium (Debian's, nothing downloaded), as a workshop watches it: a
// change published on the page arrives in every subscriber's column.

// UPDATE_SCREENSHOTS=1 refreshes the picture in the README; otherwise it goes to a temporary file.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../live-page.png', import.meta.url))
  : join(tmpdir(), `zk-cookbook-config-center-${process.pid}.png`);

const zk = useZooKeeper('config-center-page');

describe('the live values page in a browser', () => {
  let publisher: RunningPublisher;
  let subscribers: RunningSubscriber[];
  let headless: HeadlessBrowser | undefined;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const cell = (subscriber: string, key: string) =>
    page.locator(`[data-testid="cell"][data-subscriber="${subscriber}"][data-key="${key}"]`);
  const heads = () => page.getByTestId('subscriber-head');

  beforeAll(async () => {
    publisher = await startPublisher({
      connectString: zk.connectString,
      adminSecret: ADMIN_SECRET,
      logger: quietLogger,
    });
    await eventually(async () => expect((await fetch(`${publisher.url}/readyz`)).status).toBe(200));
    subscribers = await Promise.all(
      [1, 2, 3].map((n) =>
        startSubscriber({
          connectString: zk.connectString,
          instanceId: `subscriber-${n}`,
          logger: quietLogger,
        }),
      ),
    );
    headless = await openHeadlessBrowser(`${publisher.url}/`, {
      viewport: { width: 1280, height: 800 },
      pageErrors,
    });
    browser = headless.context;
    page = headless.page;
  });

  afterAll(async () => {
    await headless?.close();
    await Promise.all((subscribers ?? []).map((subscriber) => subscriber.close()));
    await publisher?.close();
  });

  it('shows every subscriber as a live column', async () => {
    await page.locator('[data-testid="stream-status"][data-state="live"]').waitFor();
    await eventually(
      async () => {
        expect(await heads().count()).toBe(3);
        for (const n of [1, 2, 3]) {
          const head = page.locator(`[data-testid="subscriber-head"][data-subscriber="subscriber-${n}"]`);
          expect(await head.getAttribute('data-connection')).toBe('connected');
          expect(await head.getAttribute('data-reachable')).toBe('true');
        }
      },
      { timeoutMs: 15_000 },
    );
  });

  it('publishes a change from the page and shows it arrive in every column', async () => {
    await page.getByTestId('publish-key').fill('banner');
    await page.getByTestId('publish-value').fill('Welcome, workshop!');
    await page.getByTestId('publish-secret').fill(ADMIN_SECRET);
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-status').filter({ hasText: 'committed as v0' }).waitFor();
    const stored = page.locator('[data-testid="stored-cell"][data-key="banner"]');
    await stored.filter({ hasText: 'Welcome, workshop!' }).waitFor();
    for (const n of [1, 2, 3]) {
      const each = cell(`subscriber-${n}`, 'banner');
      await page
        .locator(
          `[data-testid="cell"][data-subscriber="subscriber-${n}"][data-key="banner"][data-state="current"]`,
        )
        .waitFor();
      expect(await each.getByTestId('cell-value').textContent()).toBe('Welcome, workshop!');
    }
    // The page's mzxid for each subscriber is the one the subscriber itself reports.
    const reported = (await (await fetch(`${subscribers[1]!.url}/config/banner`)).json()) as {
      mzxid: string;
    };
    expect(await cell('subscriber-2', 'banner').getAttribute('data-mzxid')).toBe(reported.mzxid);
  });

  it('shows a change written by another admin client arrive too', async () => {
    const written = await publish(publisher.url, 'banner', 'Changed from curl');
    for (const n of [1, 2, 3]) {
      await page
        .locator(
          `[data-testid="cell"][data-subscriber="subscriber-${n}"][data-key="banner"][data-mzxid="${written.mzxid}"]`,
        )
        .waitFor();
      expect(await cell(`subscriber-${n}`, 'banner').getByTestId('cell-value').textContent()).toBe(
        'Changed from curl',
      );
    }
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('shows the 403 when the secret is wrong, and nothing changes', async () => {
    await page.getByTestId('publish-key').fill('banner');
    await page.getByTestId('publish-value').fill('defaced');
    await page.getByTestId('publish-secret').fill('wrong secret');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-status').filter({ hasText: '403 ADMIN_CREDENTIAL_INVALID' }).waitFor();
    expect(await page.getByTestId('publish-status').getAttribute('data-ok')).toBe('false');
    expect(await cell('subscriber-1', 'banner').getByTestId('cell-value').textContent()).toBe(
      'Changed from curl',
    );
  });

  it('drops the column of a subscriber that shuts down', async () => {
    await subscribers.pop()!.close();
    await eventually(async () => expect(await heads().count()).toBe(2), { timeoutMs: 15_000 });
    expect(
      await page.locator('[data-testid="subscriber-head"][data-subscriber="subscriber-3"]').count(),
    ).toBe(0);
  });

  it("serves each subscriber's own page with its values and change log", async () => {
    const own = await browser.newPage();
    try {
      await own.goto(`${subscribers[0]!.url}/`);
      await own.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
      await own.locator('#values td', { hasText: 'Changed from curl' }).waitFor();
      await own.locator('#changes td', { hasText: 'banner = Welcome, workshop!' }).waitFor();
    } finally {
      await own.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
