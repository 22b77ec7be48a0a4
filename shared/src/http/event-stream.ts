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
}

export interface EventStream {
  /** Sends one event; `data` is serialised as JSON. Ignored once the stream is closed. */
  send(event: string, data: unknown): void;
  /** Ends the stream from the server side (the browser reconnects after retryMs). */
  close(): void;
  readonly closed: boolean;
  /** Aborted when the stream ends, whoever ended it: release watches and timers on it. */
  readonly signal: AbortSignal;
}

/** Turns a response into a Server-Sent Events stream (text/event-stream). */
export function openEventStream(
  response: Response,
  { heartbeatMs = 15_000, retryMs = 2_000 }: EventStreamOptions = {},
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
  response.write(`retry: ${retryMs}\n\n`);

  const heartbeat = setInterval(
    () => response.write(`: heartbeat ${new Date().toISOString()}\n\n`),
    heartbeatMs,
  );
  heartbeat.unref();
  const end = (): void => {
    if (ended.signal.aborted) return;
    clearInterval(heartbeat);
    ended.abort();
    if (!response.writableEnded) response.end();
  };
  // The response's 'close', not the request's: since Node 16 a request emits 'close' as soon as its
  // (empty) body has been read, while the response's fires when the connection goes away.
  response.on('close', end);

  return {
    send(event, data) {
      if (ended.signal.aborted) return;
      // JSON never contains a raw newline, so one data line per event is always well-formed.
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close: end,
    get closed() {
      return ended.signal.aborted;
    },
    signal: ended.signal,
  };
}
