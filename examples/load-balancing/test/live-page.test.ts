import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  eventually,
  openHeadlessBrowser,
  useZooKeeper,
  type HeadlessBrowser,
} from '@zk-cookbook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  startProvider,
  type GatewayView,
  type RunningGateway,
  type RunningProvider,
} from '../src/index.ts';
import { getJson, quietLogger } from './support.ts';

// The gateway's page in headless Chromium (Debian's, nothing downloaded), as a workshop watches it:
// traffic sent from the page splits by weight, a weight set to 0 drains a provider, a provider that
// leaves drops out of the table with the keys it moved.

// UPDATE_SCREENSHOTS=1 refreshes the picture in the README; otherwise it goes to a temporary file.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../live-page.png', import.meta.url))
  : join(tmpdir(), `zk-cookbook-load-balancing-${process.pid}.png`);

const zk = useZooKeeper('load-balancing-page');

describe('the gateway’s live page in a browser', () => {
  let providers: RunningProvider[];
  let gateway: RunningGateway;
  let headless: HeadlessBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const row = (id: string) => page.locator(`[data-testid="provider-row"][data-provider="${id}"]`);
  const served = async (id: string) =>
    (await getJson<GatewayView>(`${gateway.url}/gateway/state`)).body.providers.find((p) => p.id === id)
      ?.served ?? 0;

  beforeAll(async () => {
    providers = await Promise.all(
      [
        ['provider-1', 1, 'eu-1'],
        ['provider-2', 1, 'eu-1'],
        ['provider-3', 2, 'us-1'],
      ].map(([id, weight, zone]) =>
        startProvider({
          connectString: zk.connectString,
          instanceId: id as string,
          weight: weight as number,
          zone: zone as string,
          logger: quietLogger,
        }),
      ),
    );
    gateway = await startGateway({
      connectString: zk.connectString,
      sampleIntervalMs: 250,
      logger: quietLogger,
    });
    await eventually(() => expect(gateway.providers.providers).toHaveLength(3), { timeoutMs: 15_000 });
    headless = await openHeadlessBrowser(`${gateway.url}/`, {
      viewport: { width: 1280, height: 900 },
      pageErrors,
    });
    page = headless.page;
  }, 60_000);

  afterAll(async () => {
    await headless?.close();
    await gateway?.close();
    await Promise.all((providers ?? []).map((provider) => provider.close()));
  });

  it('shows every provider with its zone, weight and a closed circuit', async () => {
    await page.locator('[data-testid="stream-status"][data-state="live"]').waitFor();
    await eventually(async () => expect(await page.getByTestId('provider-row').count()).toBe(3));
    expect(await row('provider-3').locator('[data-testid="weight-input"]').inputValue()).toBe('2');
    expect(await row('provider-1').getByTestId('circuit').textContent()).toBe('closed');
  });

  it('charts the traffic the page sends, one line per provider, split by weight', async () => {
    await page.getByTestId('traffic-rate').fill('50');
    await page.getByTestId('traffic-toggle').check();
    await eventually(
      async () => {
        expect(await page.getByTestId('series').count()).toBe(3);
        expect(Number(await page.getByTestId('traffic-result').getAttribute('data-ok'))).toBeGreaterThan(60);
      },
      { timeoutMs: 20_000 },
    );
    expect(await page.getByTestId('traffic-result').getAttribute('data-failed')).toBe('0');
    // Smooth weighted round-robin: weight 2 gets twice the requests of weight 1, give or take those in flight.
    const [one, two, three] = await Promise.all(['provider-1', 'provider-2', 'provider-3'].map(served));
    expect(Math.abs(three! - 2 * one!)).toBeLessThanOrEqual(6);
    expect(Math.abs(one! - two!)).toBeLessThanOrEqual(3);
    // The table shows the served counter the gateway reports.
    await eventually(async () =>
      expect(Number(await row('provider-3').getByTestId('served').textContent())).toBeGreaterThan(20),
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('drains a provider whose weight is set to 0 on the page', async () => {
    await row('provider-1').getByTestId('weight-input').fill('0');
    await row('provider-1').getByTestId('weight-set').click();
    // The gateway's watch saw the new weight in provider-1's registration.
    await page
      .locator('[data-testid="membership-entry"][data-type="updated"][data-provider="provider-1"]')
      .filter({ hasText: 'weight 0' })
      .waitFor();
    await row('provider-1').getByTestId('weight-set').filter({ hasText: 'set ✓' }).waitFor();
    // Drained once the gateway has the weight and nothing is still on its way to provider-1.
    await eventually(async () => {
      const drained = (await getJson<GatewayView>(`${gateway.url}/gateway/state`)).body.providers.find(
        (provider) => provider.id === 'provider-1',
      );
      expect(drained).toMatchObject({ weight: 0, active: 0 });
    });
    const drainedAt = await served('provider-1');
    const othersAt = await served('provider-2');
    await eventually(async () => expect(await served('provider-2')).toBeGreaterThan(othersAt + 20), {
      timeoutMs: 15_000,
    });
    expect(await served('provider-1')).toBe(drainedAt);
  });

  it('drops a provider that leaves, and says how many keys moved', async () => {
    await providers.pop()!.close();
    await eventually(async () => expect(await page.getByTestId('provider-row').count()).toBe(2), {
      timeoutMs: 15_000,
    });
    await page
      .locator('[data-testid="membership-entry"][data-type="left"][data-provider="provider-3"]')
      .waitFor();
    // provider-1 is drained, so the ring went from provider-2 and provider-3 to provider-2 alone.
    await page.getByTestId('movement').filter({ hasText: 'consistent hashing moved' }).waitFor();
    expect(await page.getByTestId('traffic-result').getAttribute('data-failed')).toBe('0');
  });

  it('switches strategy from the page', async () => {
    await page.getByTestId('strategy').selectOption('consistent-hash');
    await page.getByTestId('strategy-apply').click();
    await page.getByTestId('strategy-status').filter({ hasText: 'now consistent-hash' }).waitFor();
    expect((await getJson<GatewayView>(`${gateway.url}/gateway/state`)).body.strategy).toBe(
      'consistent-hash',
    );
    await page.getByTestId('traffic-toggle').uncheck();
    expect(pageErrors).toEqual([]);
  });
});
