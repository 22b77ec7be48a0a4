import type { Response } from 'express';

export interface EventStreamOptions {
  /**
   * How often to send a comment line when there is nothing else to say. Proxies and load balancers
   * close connections that stay silent (often after 60 s), and a write is how a server notices a
   * client that vanished without closing its socket.
   */
  heartbeatMs?: number;
  /** How long a browser's EventSource waits before reconnecting after the stream ends. */
  retryMs?: number;
  /**
   * Most bytes held in memory for this client while its socket does not take them: the events
   * queued here plus what Node's socket buffer already holds. Past it, the queued events are dropped
   * and the client gets one `lagged` event instead. Default 256 KiB.
   */
  maxBufferedBytes?: number;
  /**
   * A client whose socket has not taken a byte for this long is cut off: a reader that never reads
   * would otherwise hold its connection slot, and the buffers below it, forever. Default 60 s.
   */
  stallTimeoutMs?: number;
}

export interface EventStreamStats {
  /** events waiting here for the socket to drain */
  readonly queuedEvents: number;
  /** bytes held for this client now: queued here plus Node's socket buffer */
  readonly bufferedBytes: number;
  /** the most bytes ever held for this client at once */
  readonly peakBufferedBytes: number;
  /** events given to send() since the stream opened, whatever became of them */
  readonly acceptedEvents: number;
  /** of those, events never sent because the client fell behind */
  readonly droppedEvents: number;
}

export interface EventStream {
  /** Sends one event; `data` is serialised as JSON. Ignored once the stream is closed. */
  send(event: string, data: unknown): void;
  /** Ends the stream from the server side (the browser reconnects after retryMs). */
  close(): void;
  readonly closed: boolean;
  /** Aborted when the stream ends, whoever ended it: release watches and timers on it. */
  readonly signal: AbortSignal;
  readonly stats: EventStreamStats;
}

/**
 * The event a client gets in place of those it missed: whatever it shows may be stale, so it should
 * read afresh. `dropped` counts the events it missed since its last `lagged`.
 */
export const LAGGED_EVENT = 'lagged';

const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;

/**
 * Turns a response into a Server-Sent Events stream (text/event-stream) that respects
 * back-pressure. `response.write` never refuses data: when the socket is full it keeps the chunk in
 * memory and returns false, so a client that stops reading while events keep coming would grow the
 * server's memory without bound. Here, once a write reports a full socket, events queue up to
 * maxBufferedBytes; past that they are dropped, and when the socket drains the client first gets
 * `event: lagged` with the number it missed.
 */
export function openEventStream(
  response: Response,
  {
    heartbeatMs = 15_000,
    retryMs = 2_000,
    maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES,
    stallTimeoutMs = 60_000,
  }: EventStreamOptions = {},
): EventStream {
  const ended = new AbortController();
  response.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx buffers responses by default, which would hold events back
    'X-Accel-Buffering': 'no',
  });
  response.flushHeaders();

  const queue: string[] = [];
  let queuedBytes = 0;
  let waitingForDrain = false;
  // dropped since the last `lagged` event told the client, and in all
  let droppedUntold = 0;
  let droppedTotal = 0;
  let accepted = 0;
  let peak = 0;
  let stallTimer: NodeJS.Timeout | undefined;

  const held = (): number => queuedBytes + response.writableLength;
  const writeNow = (chunk: string): void => {
    if (!response.write(chunk)) {
      waitingForDrain = true;
      stallTimer ??= setTimeout(() => {
        // Not a graceful end: the client does not read, so a final chunk would never leave either.
        response.destroy();
      }, stallTimeoutMs);
      stallTimer.unref();
    }
    peak = Math.max(peak, held());
  };
  const enqueue = (chunk: string): void => {
    const bytes = Buffer.byteLength(chunk);
    if (held() + bytes > maxBufferedBytes) {
      // Dropping the oldest along with the newest: a client this far behind must resync anyway, and
      // keeping a stale prefix only delays the moment it learns that.
      droppedUntold += queue.length + 1;
      droppedTotal += queue.length + 1;
      queue.length = 0;
      queuedBytes = 0;
      return;
    }
    queue.push(chunk);
    queuedBytes += bytes;
    peak = Math.max(peak, held());
  };
  const onDrain = (): void => {
    clearTimeout(stallTimer);
    stallTimer = undefined;
    waitingForDrain = false;
    if (droppedUntold > 0) {
      writeNow(formatEvent(LAGGED_EVENT, { dropped: droppedUntold }));
      droppedUntold = 0;
    }
    while (queue.length > 0 && !waitingForDrain) {
      const chunk = queue.shift()!;
      queuedBytes -= Buffer.byteLength(chunk);
      writeNow(chunk);
    }
  };
  response.on('drain', onDrain);
  writeNow(`retry: ${retryMs}\n\n`);

  const heartbeat = setInterval(() => {
    // A client that is behind already has data on its way; a heartbeat would only add to the pile.
    if (!waitingForDrain) writeNow(`: heartbeat ${new Date().toISOString()}\n\n`);
  }, heartbeatMs);
  heartbeat.unref();
  const end = (): void => {
    if (ended.signal.aborted) return;
    clearInterval(heartbeat);
    clearTimeout(stallTimer);
    response.off('drain', onDrain);
    queue.length = 0;
    queuedBytes = 0;
    ended.abort();
    if (!response.writableEnded) response.end();
  };
  // The response's 'close', not the request's: since Node 16 a request emits 'close' as soon as its
  // (empty) body has been read, while the response's fires when the connection goes away.
  response.on('close', end);

  return {
    send(event, data) {
      if (ended.signal.aborted) return;
      accepted++;
      const chunk = formatEvent(event, data);
      if (waitingForDrain) enqueue(chunk);
      else writeNow(chunk);
    },
    close: end,
    get closed() {
      return ended.signal.aborted;
    },
    signal: ended.signal,
    get stats(): EventStreamStats {
      return {
        queuedEvents: queue.length,
        bufferedBytes: held(),
        peakBufferedBytes: peak,
        acceptedEvents: accepted,
        droppedEvents: droppedTotal,
      };
    },
  };
}

// JSON never contains a raw newline, so one data line per event is always well-formed.
function formatEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
