import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FourLetterClient } from '../fourletter/index.ts';
import { eventually, useZooKeeper } from '../../test-support/index.ts';
import { openStalledReader, rawRequest, type StalledReader } from '../../test-support/raw-http.ts';
import { startMonitor, type MonitorService } from './index.ts';

const zk = useZooKeeper('monitor-streams');

const MAX_STREAMS = 3;
const MAX_BUFFERED_BYTES = 256 * 1024;

// What browsers can make the monitor hold: watches, connection slots, and memory for slow readers.
describe('the event stream under many and slow clients', () => {
  let monitor: MonitorService;
  const eventsUrl = (path: string) => `${monitor.url}/api/events?${new URLSearchParams({ path }).toString()}`;

  beforeAll(async () => {
    monitor = await startMonitor({
      connectString: zk.ensembleConnectString,
      pollIntervalMs: 5_000,
      maxEventStreams: MAX_STREAMS,
      maxStreamBufferedBytes: MAX_BUFFERED_BYTES,
      logger: pino({ level: 'silent' }),
    });
    await monitor.client.waitForConnected();
  });

  afterAll(async () => {
    await monitor?.close();
  });

  /** The paths the monitor's session watches, as the server it is connected to reports them (wchc). */
  async function serverWatchedPaths(): Promise<string[]> {
    const text = await FourLetterClient.forAddress(monitor.client.connectedServer!).raw('wchc');
    const session = `0x${monitor.client.sessionId.toString(16)}`;
    const blocks = text.split(/\n(?=0x)/);
    const mine = blocks.find((block) => block.startsWith(session));
    return mine
      ? mine
          .split('\n')
          .slice(1)
          .map((line) => line.trim())
          .filter(Boolean)
      : [];
  }

  it('gives two streams on one path one shared watch, removed when the last one leaves', async () => {
    const client = await zk.connect();
    await client.create('/shared', '');
    const watched = `${zk.chroot}/shared`;
    const addWatch = vi.spyOn(monitor.client, 'addWatch');
    const first = await openStalledReader(eventsUrl(watched));
    const second = await openStalledReader(eventsUrl(watched));
    try {
      const firstReady = first.startReading(/event: ready/);
      const secondReady = second.startReading(/event: ready/);
      await Promise.all([firstReady, secondReady]);
      expect(addWatch).toHaveBeenCalledTimes(1);
      expect(monitor.streamStats()).toMatchObject({ open: 2, watches: [{ path: watched, listeners: 2 }] });
      expect(monitor.client.watchCount).toBe(1);
      expect((await serverWatchedPaths()).filter((path) => path === watched)).toHaveLength(1);

      // Both hear one change, looked up once.
      const firstChange = first.startReading(/"path":"[^"]*\/shared\/job"/);
      const secondChange = second.startReading(/"path":"[^"]*\/shared\/job"/);
      await client.create('/shared/job', 'x');
      await Promise.all([firstChange, secondChange]);

      first.close();
      await eventually(() =>
        expect(monitor.streamStats()).toMatchObject({ open: 1, watches: [{ path: watched, listeners: 1 }] }),
      );
      expect(monitor.client.watchCount).toBe(1);
      second.close();
      await eventually(() => expect(monitor.streamStats()).toMatchObject({ open: 0, watches: [] }));
      await eventually(() => expect(monitor.client.watchCount).toBe(0));
      await eventually(async () => expect(await serverWatchedPaths()).not.toContain(watched));
    } finally {
      addWatch.mockRestore();
      first.close();
      second.close();
    }
  });

  it(`answers the stream past the cap of ${MAX_STREAMS} with 503 JSON, and takes one again once a slot frees`, async () => {
    const readers: StalledReader[] = [];
    try {
      for (let index = 0; index < MAX_STREAMS; index++) readers.push(await openStalledReader(eventsUrl('/')));
      await eventually(() => expect(monitor.streamStats().open).toBe(MAX_STREAMS));
      const refused = await rawRequest(eventsUrl('/'));
      expect(refused.status).toBe(503);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.json).toMatchObject({
        error: { code: 'TOO_MANY_STREAMS', details: { maxStreams: MAX_STREAMS } },
      });
      // One watch for the three, and none for the refused stream.
      expect(monitor.streamStats().watches).toEqual([{ path: '/', listeners: MAX_STREAMS }]);
      // The rest of the API still answers.
      expect((await rawRequest(`${monitor.url}/api/tree?path=/`)).status).toBe(200);

      readers.shift()!.close();
      await eventually(() => expect(monitor.streamStats().open).toBe(MAX_STREAMS - 1));
      readers.push(await openStalledReader(eventsUrl('/')));
      await eventually(() => expect(monitor.streamStats().open).toBe(MAX_STREAMS));
    } finally {
      for (const reader of readers) reader.close();
    }
    await eventually(() => expect(monitor.streamStats()).toMatchObject({ open: 0, watches: [] }));
  });

  it('holds a bounded amount for a reader that never reads while thousands of znodes change', async () => {
    const gc = exposeGc();
    const client = await zk.connect();
    // Long names make each event ~1.1 KB, so the burst dwarfs the kernel's socket buffers.
    const name = 'n'.repeat(1_000);
    await client.create('/stalled', '');
    await client.create(`/stalled/${name}`, '0');
    const watched = `${zk.chroot}/stalled`;

    const reader = await openStalledReader(eventsUrl(watched));
    try {
      await eventually(() => expect(monitor.streamStats().open).toBe(1));
      const WARM_UP = 3_000;
      const CHANGES = 10_000;
      const BATCH = 250;
      let written = 0;
      const burst = async (changes: number): Promise<number> => {
        let peak = 0;
        for (let done = 0; done < changes; done += BATCH) {
          await client.multi(
            Array.from({ length: BATCH }, () => ({
              type: 'setData' as const,
              path: `/stalled/${name}`,
              data: String(written++),
            })),
          );
          peak = Math.max(peak, memory().total);
        }
        // Every change has gone through the monitor: sent, queued or dropped (plus the ready event).
        return eventually(
          () => {
            const [stats] = monitor.streamStats().streams;
            expect(stats?.acceptedEvents).toBe(written + 1);
            return peak;
          },
          { timeoutMs: 30_000 },
        );
      };
      // The first burst fills the kernel's buffers and warms up the code paths; what the second one
      // leaves behind is what a stalled reader costs as changes go on.
      await burst(WARM_UP);
      const droppedBefore = monitor.streamStats().streams[0]!.droppedEvents;
      const before = await settledMemory(gc);
      const peakDuringBurst = await burst(CHANGES);
      const stream = monitor.streamStats().streams[0]!;
      const droppedDuringBurst = stream.droppedEvents - droppedBefore;
      expect(droppedDuringBurst).toBeGreaterThan(0);
      const after = await settledMemory(gc);
      const eventBytes = Buffer.byteLength(
        `event: change\ndata: ${JSON.stringify({ type: 'dataChanged', path: `${watched}/${name}`, zxid: '0x100000000', time: new Date().toISOString() })}\n\n`,
      );
      const report = {
        changes: CHANGES,
        bytesOfEvents: CHANGES * eventBytes,
        boundBytes: MAX_BUFFERED_BYTES,
        peakHeldForClient: stream.peakBufferedBytes,
        heldForClientNow: stream.bufferedBytes,
        droppedDuringBurst,
        heapAndBuffersBefore: before.total,
        heapAndBuffersAfterGc: after.total,
        retainedGrowth: after.total - before.total,
        peakGrowthDuringBurst: peakDuringBurst - before.total,
      };
      console.log(`stalled reader: ${JSON.stringify(report)}`);
      expect(stream.peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + 2 * eventBytes);
      expect(stream.bufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + 2 * eventBytes);
      // The kernel's buffers were full before this burst: without the bound, the server would now
      // hold every event it dropped (~1.1 KB each, about 10 MB).
      expect(report.retainedGrowth).toBeLessThan(4 * 1024 * 1024);
      expect(droppedDuringBurst * eventBytes).toBeGreaterThan(3 * report.retainedGrowth);

      // When it finally reads, it learns it missed events, and the stream goes on.
      const lagged = await reader.startReading(/event: lagged\ndata: \{"dropped":\d+\}/, 30_000);
      expect(lagged).toMatch(/event: ready/);
      const next = reader.startReading(/"type":"created","path":"[^"]*\/stalled\/after"/, 30_000);
      await client.create('/stalled/after', '');
      await next;
    } finally {
      reader.close();
    }
    await eventually(() => expect(monitor.streamStats()).toMatchObject({ open: 0, watches: [] }));
  });
});

/**
 * Heap plus buffers once the garbage of what just happened is gone: right after a burst, replies
 * and notifications still in the event loop's hands keep megabytes reachable, so this collects
 * until two samples agree.
 */
async function settledMemory(gc: () => void): Promise<{ total: number }> {
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 20; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    await delay(100);
    gc();
    const sample = memory();
    if (Math.abs(sample.total - previous) < 256 * 1024) return sample;
    previous = sample.total;
  }
  throw new Error('memory did not settle within 20 collections');
}

function memory(): { total: number } {
  const usage = process.memoryUsage();
  return { total: usage.heapUsed + usage.arrayBuffers };
}

/** global.gc without restarting the worker with --expose-gc, so heap figures are not garbage noise. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
