import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { LocalKafka } from '@zk-cookbook/core/kafka';
import { eventually, openHeadlessBrowser, type HeadlessBrowser } from '@zk-cookbook/core/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicWhenReady } from './create-topic.ts';
import { startInspector, type RunningInspector } from '../src/services/inspector/inspector-service.ts';

// The inspector's live page in headless Chromium on three real brokers: what an operator sees when
// the controller broker dies (a new controller one epoch up, the partitions it led moved, its place in
// every ISR gone) and when it comes back (the ISRs grow again).

const TOPIC = 'orders';
// UPDATE_SCREENSHOTS=1 refreshes the picture for the README (taken right after the controller's death);
// otherwise it goes to a temporary file.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../live-page.png', import.meta.url))
  : join(tmpdir(), `zk-cookbook-kafka-inspector-${process.pid}.png`);

describe('the inspector page on a real Kafka 3.9 cluster', () => {
  let ensemble: LocalEnsemble;
  let kafka: LocalKafka;
  let inspector: RunningInspector;
  let headless: HeadlessBrowser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  /** What the page shows for each partition of the topic: leader and ISR, from its data attributes. */
  const shownPartitions = async (): Promise<{ leader: number; isr: number[] }[]> =>
    page.locator(`#partitions tr[data-partition^="${TOPIC}-"]`).evaluateAll((rows) =>
      rows.map((row) => ({
        leader: Number(row.getAttribute('data-leader')),
        isr: (row.getAttribute('data-isr') ?? '').split(',').filter(Boolean).map(Number).sort(),
      })),
    );
  const shownController = async (): Promise<{ brokerId: number; epoch: number; zkVersion: number }> => ({
    brokerId: Number(await page.locator('#controller').getAttribute('data-broker-id')),
    epoch: Number(await page.locator('#controller-epoch').getAttribute('data-epoch')),
    zkVersion: Number(await page.locator('#controller-epoch').getAttribute('data-zk-version')),
  });
  const shownLog = async (): Promise<string[]> => page.locator('#log li').allTextContents();

  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 1, tickTimeMs: 200 });
    kafka = await LocalKafka.start({ zooKeeperConnect: ensemble.connectString, brokers: 3 });
    const admin = new Kafka({
      clientId: 'inspector-page-test',
      brokers: kafka.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      await createTopicWhenReady(admin, TOPIC, { partitions: 3, replicationFactor: 3 });
    } finally {
      await admin.disconnect();
    }
    inspector = await startInspector({
      kafkaZooKeeperConnect: kafka.zooKeeperConnect,
      logger: pino({ level: 'silent' }),
    });
    headless = await openHeadlessBrowser(`${inspector.url}/`, {
      viewport: { width: 1200, height: 1000 },
      pageErrors,
    });
    page = headless.page;
  });

  afterAll(async () => {
    await headless?.close();
    await inspector?.close();
    await kafka?.close();
    await ensemble?.close();
  });

  it('shows the brokers with their broker epochs, the controller with its epoch, and every partition in sync', async () => {
    await page.locator('#status[data-state="live"]').waitFor();
    const controller = (await kafka.controller())!;
    await eventually(
      async () => {
        expect(await page.locator('#brokers tr').count()).toBe(3);
        expect(await shownController()).toEqual({
          brokerId: controller.brokerId,
          epoch: controller.epoch,
          zkVersion: controller.epochZkVersion,
        });
        const partitions = await shownPartitions();
        expect(partitions).toHaveLength(3);
        for (const partition of partitions) expect(partition.isr).toEqual([1, 2, 3]);
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    for (const broker of kafka.brokers) {
      const cells = await page.locator(`#brokers tr[data-broker="${broker.id}"] td`).allTextContents();
      const epoch = (await kafka.registration(broker.id))!.czxid.toString();
      expect(cells.slice(0, 3)).toEqual([String(broker.id), `PLAINTEXT://${broker.address}`, epoch]);
    }
    expect(await page.locator('#cluster-id').textContent()).toMatch(/^[\w-]{22}$/);
    expect(await page.locator('#issues').textContent()).toContain('every znode decodes');
  });

  it('when the controller broker is killed: a new controller one epoch up, its partitions moved, the ISRs shrunk', async () => {
    const before = (await kafka.controller())!;
    const victim = before.brokerId;
    const led = (await shownPartitions()).filter((partition) => partition.leader === victim).length;
    const killedAt = performance.now();
    await kafka.kill(victim);

    const after = await eventually(
      async () => {
        const shown = await shownController();
        expect(shown.brokerId).toBeGreaterThan(0);
        expect(shown.brokerId).not.toBe(victim);
        return shown;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const failoverMs = performance.now() - killedAt;
    expect(after.epoch).toBe(before.epoch + 1);
    expect(after.zkVersion).toBe(before.epochZkVersion + 1);
    await eventually(
      async () => {
        expect(await page.locator(`#brokers tr[data-broker="${victim}"]`).count()).toBe(0);
        for (const partition of await shownPartitions()) {
          expect(partition.leader).not.toBe(victim);
          expect(partition.leader).toBeGreaterThan(0);
          expect(partition.isr).not.toContain(victim);
          expect(partition.isr).toHaveLength(2);
        }
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const log = await shownLog();
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`controller moved: broker ${victim} → ${after.brokerId}`),
        expect.stringContaining(`broker ${victim} left /brokers/ids`),
      ]),
    );
    expect(log.filter((line) => line.includes(`${TOPIC}-`) && line.includes('ISR shrank'))).toHaveLength(3);
    // Kafka spreads the three partitions' preferred leaders over the three brokers: the controller led one.
    // The new controller may first mark it leaderless (-1), then elect a leader from the ISR.
    expect(led).toBeGreaterThan(0);
    expect(log).toEqual(expect.arrayContaining([expect.stringMatching(`leader ${victim} → -?\\d`)]));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.info(`controller failover on the page: ${Math.round(failoverMs)} ms after the kill`);

    // Back with the same id: it re-registers with a new broker epoch and catches up.
    const restartedAt = performance.now();
    await kafka.restart(victim);
    await eventually(
      async () => {
        expect(await page.locator(`#brokers tr[data-broker="${victim}"]`).count()).toBe(1);
        for (const partition of await shownPartitions()) expect(partition.isr).toEqual([1, 2, 3]);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    console.info(
      `ISR whole again on the page: ${Math.round(performance.now() - restartedAt)} ms after the restart began`,
    );
    const grown = (await shownLog()).filter(
      (line) => line.includes(`${TOPIC}-`) && line.includes('ISR grew'),
    );
    expect(grown).toHaveLength(3);
    expect(pageErrors).toEqual([]);
  });

  it('when a partition leader that is not the controller is killed: a new leader from the ISR, the ISR shrunk, then grown back', async () => {
    const controllerId = (await kafka.controller())!.brokerId;
    const partitions = await shownPartitions();
    const index = partitions.findIndex((partition) => partition.leader !== controllerId);
    expect(index).toBeGreaterThanOrEqual(0);
    const victim = partitions[index]!.leader;
    await kafka.kill(victim);

    await eventually(
      async () => {
        const now = (await shownPartitions())[index]!;
        expect(now.leader).toBeGreaterThan(0);
        expect(now.leader).not.toBe(victim);
        expect(now.isr).toHaveLength(2);
        expect(now.isr).not.toContain(victim);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect((await shownController()).brokerId).toBe(controllerId);
    expect(
      await page
        .locator(`#partitions tr[data-partition="${TOPIC}-${index}"]`)
        .getAttribute('data-under-replicated'),
    ).toBe('true');

    await kafka.restart(victim);
    await eventually(
      async () => {
        for (const partition of await shownPartitions()) expect(partition.isr).toEqual([1, 2, 3]);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(await page.locator(`#partitions tr[data-under-replicated="true"]`).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
