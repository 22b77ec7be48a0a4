import { Router } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test-support/index.ts';
import { openStalledReader, rawRequest } from '../../test-support/raw-http.ts';
import { createApp, EventStreams, listen, type EventStream, type RunningServer } from './index.ts';

const MAX_BUFFERED_BYTES = 64 * 1024;

// SSE under load from the service's side, without ZooKeeper: the events come from the test.
describe('event streams: a cap, and bounded memory for a client that does not read', () => {
  let server: RunningServer;
  let streams: EventStreams;
  const open: EventStream[] = [];

  beforeAll(async () => {
    streams = new EventStreams({
      maxStreams: 2,
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      stallTimeoutMs: 60_000,
    });
    const routes = Router().get('/events', (_request, response) => {
      const stream = streams.reserve().open(response);
      open.push(stream);
      stream.signal.addEventListener('abort', () => open.splice(open.indexOf(stream), 1), { once: true });
      stream.send('ready', {});
    });
    server = await listen(createApp({ logger: pino({ level: 'silent' }), routes: [routes] }));
  });

  afterAll(async () => {
    streams?.closeAll();
    await server?.close();
  });

  it('holds at most its bound for a reader that never reads, then tells it how much it missed', async () => {
    const reader = await openStalledReader(`${server.url}/events`);
    try {
      await eventually(() => expect(open).toHaveLength(1));
      const stream = open[0]!;
      // 20 000 events of ~1 KiB: 20 MiB that an unbounded server would have kept for this client.
      const payload = 'x'.repeat(1_000);
      let peakHeld = 0;
      for (let index = 0; index < 20_000; index++) {
        stream.send('change', { index, payload });
        peakHeld = Math.max(peakHeld, stream.stats.bufferedBytes);
      }
      const stats = stream.stats;
      expect(stats.droppedEvents).toBeGreaterThan(10_000);
      // The bound, plus at most one event over Node's own high-water mark before back-pressure shows.
      expect(peakHeld).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + 2 * 1_100);
      expect(stats.peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES + 2 * 1_100);

      const received = await reader.startReading(/event: lagged\ndata: \{"dropped":\d+\}/);
      const dropped = Number(/event: lagged\ndata: \{"dropped":(\d+)\}/.exec(received)![1]);
      expect(dropped).toBe(stats.droppedEvents);
      // What did arrive came in order, and the stream goes on after the marker.
      const indexes = [...received.matchAll(/"index":(\d+)/g)].map((match) => Number(match[1]));
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
      const after = reader.startReading(/"index":20000/);
      stream.send('change', { index: 20_000 });
      await after;
    } finally {
      reader.close();
    }
    await eventually(() => expect(open).toHaveLength(0));
  });

  it('answers 503 TOO_MANY_STREAMS past the cap, and has room again once a stream ends', async () => {
    const first = await openStalledReader(`${server.url}/events`);
    const second = await openStalledReader(`${server.url}/events`);
    try {
      await eventually(() => expect(streams.stats().open).toBe(2));
      const refused = await rawRequest(`${server.url}/events`);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json).toMatchObject({ error: { code: 'TOO_MANY_STREAMS', details: { maxStreams: 2 } } });
      expect(streams.stats().refused).toBeGreaterThanOrEqual(1);
      first.close();
      await eventually(() => expect(streams.stats().open).toBe(1));
      const third = await openStalledReader(`${server.url}/events`);
      await eventually(() => expect(streams.stats().open).toBe(2));
      third.close();
    } finally {
      first.close();
      second.close();
    }
    await eventually(() => expect(streams.stats().open).toBe(0));
  });

  it('cuts off a client that takes nothing for stallTimeoutMs while events wait, freeing its slot', async () => {
    const quick = new EventStreams({ maxStreams: 1, maxBufferedBytes: 16 * 1024, stallTimeoutMs: 300 });
    let stream: EventStream | undefined;
    const app = createApp({
      logger: pino({ level: 'silent' }),
      routes: [
        Router().get('/events', (_request, response) => {
          stream = quick.reserve().open(response);
        }),
      ],
    });
    const small = await listen(app);
    const reader = await openStalledReader(`${small.url}/events`);
    const closed = new Promise<void>((resolve) => reader.socket.once('close', () => resolve()));
    try {
      await eventually(() => expect(stream).toBeDefined());
      // Events keep coming, as changes do: the kernel's buffers on both sides fill, then the
      // socket stops draining, and the stall clock runs.
      // Large events, so that the few that pass between drains fill the kernel's buffers quickly.
      const pad = 'y'.repeat(64 * 1024);
      const feed = setInterval(() => {
        for (let index = 0; index < 50; index++) stream!.send('change', { pad });
      }, 5);
      try {
        await eventually(() => expect(stream!.closed).toBe(true), { timeoutMs: 20_000 });
      } finally {
        clearInterval(feed);
      }
      expect(quick.stats().open).toBe(0);
      reader.socket.resume();
      await closed;
    } finally {
      reader.close();
      await small.close();
    }
  }, 30_000);
});
