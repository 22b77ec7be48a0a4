import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client/index.ts';
import {
  eventually,
  openHeadlessBrowser,
  useDedicatedEnsemble,
  type HeadlessBrowser,
} from '../../test-support/index.ts';
import { rawRequest } from '../../test-support/raw-http.ts';
import { startMonitor, type MonitorService, type PolledMember } from './index.ts';

// The dashboard in headless Chromium (Debian's, nothing downloaded) against an ensemble of its own:
// three voters and an observer, with a short tick so that elections take well under a second.
// UPDATE_SCREENSHOTS=1 refreshes the picture in the docs; otherwise it goes to a temporary file.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../../docs/images/dashboard.png', import.meta.url))
  : join(tmpdir(), `zk-cookbook-dashboard-${process.pid}.png`);

const dedicated = useDedicatedEnsemble({ servers: 3, observers: 1, tickTimeMs: 200 });

describe('the monitoring dashboard in a browser', () => {
  let monitor: MonitorService;
  let client: ZooKeeperClient;
  let headless: HeadlessBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const row = (id: number | string) => page.locator(`[data-testid="member-row"][data-member-id="${id}"]`);
  const rowsIn = (mode: string) => page.locator(`[data-testid="member-row"][data-mode="${mode}"]`);
  const ensembleJson = async (): Promise<PolledMember[]> =>
    ((await (await fetch(`${monitor.url}/api/ensemble`)).json()) as { members: PolledMember[] }).members;

  beforeAll(async () => {
    monitor = await startMonitor({
      localEnsemble: dedicated.ensemble,
      pollIntervalMs: 500,
      fourLetterTimeoutMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    client = await ZooKeeperClient.connect(dedicated.ensemble.connectString);
    headless = await openHeadlessBrowser(`${monitor.url}/`, {
      viewport: { width: 1280, height: 800 },
      pageErrors,
    });
    page = headless.page;
  });

  afterAll(async () => {
    await headless?.close();
    await client?.close();
    await monitor?.close();
  });

  it('shows the four members: exactly one leader, one observer, two followers', async () => {
    await eventually(
      async () => {
        expect(await page.getByTestId('member-row').count()).toBe(4);
        expect(await rowsIn('leader').count()).toBe(1);
        expect(await rowsIn('observer').count()).toBe(1);
        expect(await rowsIn('follower').count()).toBe(2);
      },
      { timeoutMs: 15_000 },
    );
    const leaderId = await rowsIn('leader').getAttribute('data-member-id');
    expect(await page.getByTestId('summary-leader').getAttribute('data-leader-id')).toBe(leaderId);
    expect(await rowsIn('observer').getAttribute('data-member-id')).toBe('4');
    await expect(row(1).getByTestId('member-zxid').textContent()).resolves.toMatch(/^0x[0-9a-f]+$/);
    expect(await page.getByTestId('actions-head').isVisible()).toBe(true);
  });

  it('ignores what another site makes the browser send: the member stays up', async () => {
    // What a page elsewhere can make a browser send: a bodyless POST with that page's Origin, or a
    // form post with none. Neither carries the token the dashboard fetched.
    const attempts: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      {},
    ];
    for (const headers of attempts) {
      const response = await rawRequest(`${monitor.url}/api/members/1/kill`, { method: 'POST', headers });
      expect(response.status).toBe(403);
      expect(response.json).toMatchObject({ error: { code: expect.any(String) } });
    }
    expect(dedicated.ensemble.member(1).state).toBe('running');
  });

  it('shows a paused member as unresponsive while the others keep being polled', async () => {
    await row(4).locator('[data-action="pause"]').click();
    await page.locator('[data-testid="member-row"][data-member-id="4"][data-mode="unresponsive"]').waitFor();
    expect(await row(4).getAttribute('data-process')).toBe('paused');
    expect(await row(4).locator('[data-action="resume"]').isEnabled()).toBe(true);

    // The hung member's poll waits for its timeout; the other members' rows keep moving meanwhile.
    const before = (await ensembleJson()).find((member) => member.id === 1)!.polledAt;
    await eventually(async () => {
      const members = await ensembleJson();
      expect(members.find((member) => member.id === 4)?.mode).toBe('unresponsive');
      expect(members.find((member) => member.id === 1)!.polledAt > before).toBe(true);
    });

    await row(4).locator('[data-action="resume"]').click();
    await page.locator('[data-testid="member-row"][data-member-id="4"][data-mode="observer"]').waitFor();
  });

  it('browses to a znode and shows its data as JSON, text and hex, with Stat and ACL', async () => {
    await client.create('/shop');
    await client.create('/shop/config', JSON.stringify({ currency: 'EUR', retries: 3 }));
    await client.create('/shop/orders');
    await client.create('/shop/orders/order-', 'pending', { mode: 'persistentSequential' });
    await client.create('/shop/flag', null);
    await client.create('/shop/marker', '');

    // The list shows what was there when it loaded; the "/" breadcrumb reloads it.
    await page.getByTestId('crumb').first().click();
    await page.getByTestId('tree-children').locator('[data-path="/shop"]').click();
    await page.getByTestId('tree-children').locator('[data-path="/shop/config"]').click();
    await page
      .getByTestId('node-path')
      .filter({ hasText: /^\/shop\/config$/ })
      .waitFor();
    await page.getByTestId('node-data').filter({ hasText: '"currency": "EUR"' }).waitFor();
    expect(await page.getByTestId('node-format-json').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-testid="node-stat"] [data-field="version"]').textContent()).toBe('0');
    expect(await page.locator('[data-testid="node-stat"] [data-field="dataLength"]').textContent()).toBe(
      '30',
    );
    expect(await page.locator('[data-testid="node-stat"] [data-field="czxid"]').textContent()).toMatch(/^0x/);
    expect(await page.getByTestId('node-acl').locator('tbody').textContent()).toBe('worldanyonecdrwa');
    // A leaf lists its siblings, itself highlighted.
    expect(
      await page.locator('[data-testid="tree-child"][aria-current="true"]').getAttribute('data-path'),
    ).toBe('/shop/config');

    await page.getByTestId('node-format-hex').click();
    await page.getByTestId('node-data').filter({ hasText: '00000000  7b 22 63 75' }).waitFor();
    await page.getByTestId('node-format-text').click();
    expect(await page.getByTestId('node-data').textContent()).toBe('{"currency":"EUR","retries":3}');

    // Null data and zero bytes are different things on the server, and the page says which.
    const sibling = (path: string) => page.locator(`[data-testid="tree-child"][data-path="${path}"]`);
    await sibling('/shop/flag').click();
    await page
      .getByTestId('node-data')
      .filter({ hasText: /^null$/ })
      .waitFor();
    await sibling('/shop/marker').click();
    await page
      .getByTestId('node-data')
      .filter({ hasText: /^\(empty\)$/ })
      .waitFor();
    await sibling('/shop/config').click();
    await page.getByTestId('node-data').filter({ hasText: '"currency"' }).waitFor();
  });

  it('streams live events for a chosen path and refreshes the node shown', async () => {
    await page.getByTestId('event-path-input').fill('/shop');
    await page.getByTestId('event-watch').click();
    await page.locator('[data-testid="event-status"][data-state="live"]').waitFor();

    await client.setData('/shop/config', JSON.stringify({ currency: 'EUR', retries: 5 }));
    const created = await client.create('/shop/orders/order-', 'paid', { mode: 'persistentSequential' });
    await page
      .locator('[data-testid="event-item"][data-type="dataChanged"][data-path="/shop/config"]')
      .waitFor();
    await page.locator(`[data-testid="event-item"][data-type="created"][data-path="${created}"]`).waitFor();
    await page
      .locator('[data-testid="node-stat"] [data-field="version"]')
      .filter({ hasText: /^1$/ })
      .waitFor();
  });

  it('elects a new leader after the leader is killed from the dashboard, and restarts it', async () => {
    const oldLeader = (await rowsIn('leader').getAttribute('data-member-id'))!;
    await row(oldLeader).locator('[data-action="kill"]').click();
    await page
      .locator(`[data-testid="member-row"][data-member-id="${oldLeader}"][data-mode="down"]`)
      .waitFor();
    await page
      .locator(`[data-testid="member-row"][data-mode="leader"]:not([data-member-id="${oldLeader}"])`)
      .waitFor({ timeout: 30_000 });
    await eventually(async () => {
      const summaryLeader = await page.getByTestId('summary-leader').getAttribute('data-leader-id');
      expect(summaryLeader).not.toBe('');
      expect(summaryLeader).not.toBe(oldLeader);
    });
    expect(await page.getByTestId('action-status').textContent()).toBe(`Server ${oldLeader} killed.`);

    // For the picture: the node as pretty JSON, and the observer back in sync with the new leader.
    await page.getByTestId('node-format-json').click();
    await rowsIn('observer').waitFor({ timeout: 30_000 });
    // The monitor's own session, perhaps on the killed member, moves to a live one.
    await page
      .getByTestId('session-state')
      .filter({ hasText: /^connected to / })
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: SCREENSHOT });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');

    await row(oldLeader).locator('[data-action="restart"]').click();
    await page
      .locator(`[data-testid="member-row"][data-member-id="${oldLeader}"][data-mode="follower"]`)
      .waitFor({ timeout: 60_000 });
    expect(pageErrors).toEqual([]);
  });
});
