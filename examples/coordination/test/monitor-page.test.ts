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
import { startMonitor, startWorker, type RunningMonitor, type RunningWorker } from '../src/index.ts';
import { quietLogger, shippedRecords } from './support.ts';

// The monitor's page in headless Chromium (Debian's, nothing downloaded), as a workshop watches it:
// workers RUNNING and STANDBY with live heartbeats, the task's progress, a hand-over, a barrier round.

// UPDATE_SCREENSHOTS=1 refreshes the picture in the README; otherwise it goes to a temporary file.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../monitor-page.png', import.meta.url))
  : join(tmpdir(), `zk-cookbook-coordination-${process.pid}.png`);

const zk = useZooKeeper('coordination-page');

describe('the monitor page in a browser', () => {
  let monitor: RunningMonitor;
  let workers: RunningWorker[];
  let headless: HeadlessBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const row = (worker: string) => page.locator(`[data-testid="worker-row"][data-worker="${worker}"]`);

  beforeAll(async () => {
    monitor = await startMonitor({ connectString: zk.connectString, total: 600, logger: quietLogger });
    workers = await Promise.all(
      [1, 2, 3].map((n) =>
        startWorker({
          connectString: zk.connectString,
          instanceId: `worker-${n}`,
          records: shippedRecords(),
          recordsPerSecond: 40,
          heartbeatMs: 250,
          logger: quietLogger,
        }),
      ),
    );
    await eventually(async () => expect((await fetch(`${monitor.url}/readyz`)).status).toBe(200));
    headless = await openHeadlessBrowser(`${monitor.url}/`, {
      viewport: { width: 1200, height: 900 },
      pageErrors,
    });
    page = headless.page;
  });

  afterAll(async () => {
    await headless?.close();
    await Promise.all((workers ?? []).map((worker) => worker.close()));
    await monitor?.close();
  });

  it('shows every worker alive, one RUNNING, heartbeats counting and the task progressing', async () => {
    await page.locator('[data-testid="stream-status"][data-state="live"]').waitFor();
    await page.locator('[data-testid="worker-row"][data-role="RUNNING"][data-liveness="alive"]').waitFor();
    await eventually(
      async () => {
        expect(await page.getByTestId('worker-row').count()).toBe(3);
        expect(await page.locator('[data-testid="worker-row"][data-role="RUNNING"]').count()).toBe(1);
        expect(await page.locator('[data-testid="worker-row"][data-role="STANDBY"]').count()).toBe(2);
      },
      { timeoutMs: 15_000 },
    );
    const beat = async (): Promise<number> => Number(await row('worker-1').getByTestId('beat').textContent());
    const before = await beat();
    const offset = async (): Promise<number> =>
      Number(await page.getByTestId('progress').getAttribute('data-offset'));
    const offsetBefore = await offset();
    await eventually(async () => {
      expect(await beat()).toBeGreaterThan(before + 2);
      expect(await offset()).toBeGreaterThan(offsetBefore + 10);
    });
    expect(await page.getByTestId('progress-text').textContent()).toMatch(
      /\/ 600 records applied — checkpoint v\d+/,
    );
  });

  it('shows the hand-over when the RUNNING worker shuts down: it has left, a standby runs', async () => {
    const leader = workers.find((worker) => worker.runner.role === 'RUNNING')!;
    await leader.close();
    workers = workers.filter((worker) => worker !== leader);
    await page
      .locator(`[data-testid="worker-row"][data-worker="${leader.instanceId}"][data-liveness="left"]`)
      .waitFor();
    await page.locator('[data-testid="worker-row"][data-role="RUNNING"][data-liveness="alive"]').waitFor();
    expect(await page.locator('[data-testid="worker-row"][data-role="RUNNING"]').count()).toBe(1);
  });

  it('runs a barrier round from the button: the two workers start together and finish together', async () => {
    await page.getByTestId('run-round').click();
    const status = page.locator('[data-testid="round-status"][data-done="true"]');
    await status.waitFor({ timeout: 20_000 });
    expect(await status.getAttribute('data-ok')).toBe('true');
    expect(await status.textContent()).toMatch(/2 workers — started together .* finished together/);
    expect(await page.getByTestId('round-report').count()).toBe(2);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
