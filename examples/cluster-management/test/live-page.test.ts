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
  startCollector,
  startCoordinator,
  type RunningCollector,
  type RunningCoordinator,
} from '../src/index.ts';
import { addSource, expectSettled, quietLogger } from './support.ts';

// The live page in headless Chromium, as a workshop watches it: collectors appear with the sources
// they work, and when one leaves its sources show up on the others.

// UPDATE_SCREENSHOTS=1 refreshes the picture in the README; otherwise it goes to a temporary file.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../live-page.png', import.meta.url))
  : join(tmpdir(), `zk-cookbook-cluster-management-${process.pid}.png`);

const zk = useZooKeeper('cluster-management-page');
const SOURCES = ['web-access', 'web-error', 'app', 'db-slow', 'audit', 'cron'];

describe('the live page of collectors and their sources', () => {
  let coordinator: RunningCoordinator;
  const collectors: RunningCollector[] = [];
  let headless: HeadlessBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const card = (id: string) => page.locator(`[data-collector="${id}"]`);
  /** The ids of the sources a collector's card shows as worked, sorted. */
  const shownWorking = async (id: string): Promise<string[]> =>
    (await card(id).locator('.source[data-working="true"]').allTextContents()).sort();

  const startOne = async (id: string): Promise<RunningCollector> => {
    const running = await startCollector({ connectString: zk.connectString, id, logger: quietLogger });
    collectors.push(running);
    await running.started;
    return running;
  };

  beforeAll(async () => {
    coordinator = await startCoordinator({
      connectString: zk.connectString,
      id: 'coordinator-1',
      logger: quietLogger,
    });
    await coordinator.started;
    await startOne('collector-1');
    await startOne('collector-2');
    for (const source of SOURCES) await addSource(coordinator.url, source);
    headless = await openHeadlessBrowser(`${coordinator.url}/`, {
      viewport: { width: 1200, height: 800 },
      pageErrors,
    });
    page = headless.page;
  });

  afterAll(async () => {
    await headless?.close();
    for (const running of collectors.splice(0)) await running.close();
    await coordinator?.close();
  });

  it('shows each collector with the sources it works, as the collectors report them', async () => {
    await page.locator('#status[data-state="live"]').waitFor();
    await eventually(() => expectSettled(coordinator, collectors, SOURCES), { timeoutMs: 15_000 });
    await eventually(
      async () => {
        for (const running of collectors)
          expect(await shownWorking(running.collector!.id)).toEqual(running.collector!.working);
      },
      { timeoutMs: 15_000 },
    );
    expect(await page.locator('#unassigned').textContent()).toContain('every source is assigned');
    expect(await page.locator('[data-coordinator="coordinator-1"]').textContent()).toContain(
      'wrote the assignment',
    );
  });

  it('shows a collector that joins take its share', async () => {
    const joined = await startOne('collector-3');
    await eventually(() => expectSettled(coordinator, collectors, SOURCES), { timeoutMs: 15_000 });
    await eventually(
      async () => {
        expect(await card('collector-3').count()).toBe(1);
        expect(await shownWorking('collector-3')).toEqual(joined.collector!.working);
        expect(joined.collector!.working).toHaveLength(2);
      },
      { timeoutMs: 15_000 },
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('drops a collector that leaves and shows its sources on the others', async () => {
    const leaving = collectors.shift()!;
    const itsSources = leaving.collector!.working;
    await leaving.close();
    await eventually(() => expectSettled(coordinator, collectors, SOURCES), { timeoutMs: 15_000 });
    await eventually(
      async () => {
        expect(await card('collector-1').count()).toBe(0);
        const shown = [...(await shownWorking('collector-2')), ...(await shownWorking('collector-3'))];
        for (const source of itsSources) expect(shown).toContain(source);
      },
      { timeoutMs: 15_000 },
    );
    expect(pageErrors).toEqual([]);
  });
});
