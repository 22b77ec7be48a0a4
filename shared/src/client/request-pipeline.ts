import type { JuteReader } from '../jute/reader.ts';
import { JuteDecodeError } from '../jute/reader.ts';
import type { JuteWriter } from '../jute/writer.ts';
import { ZooKeeperError } from './errors.ts';
import { Fifo } from './fifo.ts';
import { encodeRequest } from './request-frames.ts';

/** What a client method asks of the session: one request and how to read its reply. */
export interface RequestSpec<T> {
  opCode: number;
  operation: string;
  /** the caller's path, for error messages */
  path?: string | undefined;
  writeBody?: (writer: JuteWriter) => void;
  /**
   * Turns the reply into the result; `err` is the wire error code (0 = OK). Runs synchronously when
   * the reply arrives, before later notifications, so watch registration here cannot miss an event.
   */
  readReply: (err: number, body: JuteReader) => T;
}

export interface RequestOptions {
  /** overall deadline for this request, queueing included; defaults to requestTimeoutMs */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Where requests go once a connection is up. */
export interface FrameSink {
  send(frame: Buffer): void;
  readonly isClosed: boolean;
}

export interface RequestPipelineOptions {
  requestTimeoutMs: number;
  maxRequestBytes: number;
  /** why requests cannot be sent right now, for the OPERATIONTIMEOUT of a request never sent */
  describeWaiting: () => string;
}

interface PendingRequest {
  xid: number;
  frame: Buffer;
  spec: RequestSpec<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Date.now() value after which the request fails with OPERATIONTIMEOUT */
  deadline: number;
  timeoutMs: number;
  detachAbort: (() => void) | undefined;
  sent: boolean;
  settled: boolean;
}

const MAX_XID = 0x7fff_ffff;

/**
 * Numbered requests from submission to settlement: queued while no connection is up, pipelined when
 * one is, matched to replies in send order, and failed at their deadline or on abort.
 *
 * Sent requests are kept by xid, and the send order as bare xids. A request that times out or is
 * aborted leaves the map at once — its frame, callbacks and result reader are freed — while its xid
 * stays in the order, so that its late reply is recognised and dropped rather than taken for a
 * server answering out of order.
 */
export class RequestPipeline {
  private nextXid = 1;
  private sink: FrameSink | null = null;
  private readonly unsent = new Fifo<PendingRequest>();
  /** xids sent on the current connection, oldest first: the server answers in exactly this order */
  private readonly sentOrder = new Fifo<number>();
  /** sent requests still waiting for their reply */
  private readonly awaiting = new Map<number, PendingRequest>();
  private deadlineTimer: NodeJS.Timeout | null = null;
  private deadlineTimerAt = Infinity;

  constructor(private readonly options: RequestPipelineOptions) {}

  /** Requests awaiting a reply plus those queued for a connection; tests watch it for leaks. */
  get size(): number {
    return this.awaiting.size + this.unsent.length;
  }

  submit<T>(spec: RequestSpec<T>, options: RequestOptions = {}): Promise<T> {
    if (options.signal?.aborted) {
      return Promise.reject(
        new ZooKeeperError('ABORTED', {
          operation: spec.operation,
          path: spec.path,
          cause: options.signal.reason,
        }),
      );
    }
    const xid = this.nextXid;
    this.nextXid = this.nextXid >= MAX_XID ? 1 : this.nextXid + 1;
    const frame = encodeRequest(xid, spec.opCode, spec.writeBody);
    if (frame.length - 4 > this.options.maxRequestBytes) {
      return Promise.reject(
        new ZooKeeperError('BADARGUMENTS', {
          operation: spec.operation,
          path: spec.path,
          detail: `request is ${frame.length - 4} bytes; the server accepts at most ${this.options.maxRequestBytes} (jute.maxbuffer)`,
        }),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const request: PendingRequest = {
        xid,
        frame,
        spec,
        resolve: resolve as (value: unknown) => void,
        reject,
        deadline: Date.now() + timeoutMs,
        timeoutMs,
        detachAbort: undefined,
        sent: false,
        settled: false,
      };
      this.armDeadlineTimer(request.deadline);
      if (options.signal) {
        const signal = options.signal;
        const onAbort = (): void => this.abort(request, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        request.detachAbort = () => signal.removeEventListener('abort', onAbort);
      }
      if (this.canSend() && this.unsent.length === 0) this.send(request);
      else this.unsent.push(request);
    });
  }

  /** A connection is up: everything queued goes out, in submission order. */
  connectionUp(sink: FrameSink): void {
    this.sink = sink;
    while (this.unsent.length > 0 && this.canSend()) this.send(this.unsent.shift()!);
  }

  /** The connection is gone: every request sent on it fails; queued ones wait for the next. */
  connectionDown(errorFor: (operation: string, path: string | undefined) => ZooKeeperError): void {
    this.sink = null;
    this.sentOrder.drain();
    const awaiting = [...this.awaiting.values()];
    this.awaiting.clear();
    for (const request of awaiting) this.settle(request, errorFor(request.spec.operation, request.spec.path));
  }

  /** Fails the requests still waiting for a connection (the session they were meant for is gone). */
  failUnsent(errorFor: (operation: string, path: string | undefined) => ZooKeeperError): void {
    for (const request of this.unsent.drain())
      this.settle(request, errorFor(request.spec.operation, request.spec.path));
  }

  /** Fails everything, sent or not (the client is closing). */
  failAll(errorFor: (operation: string, path: string | undefined) => ZooKeeperError): void {
    this.connectionDown(errorFor);
    this.failUnsent(errorFor);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    this.deadlineTimerAt = Infinity;
  }

  /**
   * Matches a reply to the oldest request sent and settles it. Returns a description of the
   * protocol violation if the frame cannot belong to this connection's conversation; the caller
   * then drops the connection, which fails the requests still awaiting replies.
   */
  onReply(xid: number, err: number, body: JuteReader): string | undefined {
    const expected = this.sentOrder.peek();
    if (expected !== xid) {
      // Replies come in send order (the Java client treats this as fatal too): a different xid
      // means the stream is not what we think it is, and no later reply can be trusted.
      return `reply xid ${xid} does not match the oldest request xid ${expected ?? '(none outstanding)'}`;
    }
    this.sentOrder.shift();
    const request = this.awaiting.get(xid);
    // Timed out or aborted already: this is its late reply, expected and dropped.
    if (!request) return undefined;
    this.awaiting.delete(xid);
    let result: unknown;
    try {
      result = request.spec.readReply(err, body);
    } catch (error) {
      if (!isMalformed(error)) {
        this.settle(request, error);
        return undefined;
      }
      const what = `malformed ${request.spec.operation} reply: ${(error as Error).message}`;
      this.settle(
        request,
        new ZooKeeperError('MARSHALLINGERROR', {
          operation: request.spec.operation,
          path: request.spec.path,
          detail: `${what}; the outcome is unknown`,
          cause: error,
        }),
      );
      return what;
    }
    this.settle(request, undefined, result);
    return undefined;
  }

  private canSend(): boolean {
    return this.sink !== null && !this.sink.isClosed;
  }

  private send(request: PendingRequest): void {
    request.sent = true;
    this.sentOrder.push(request.xid);
    this.awaiting.set(request.xid, request);
    this.sink!.send(request.frame);
  }

  private settle(request: PendingRequest, error: unknown, result?: unknown): void {
    if (request.settled) return;
    request.settled = true;
    request.detachAbort?.();
    if (error === undefined) request.resolve(result);
    else request.reject(error);
  }

  /** Takes a request out of every structure before settling it, so nothing of it stays behind. */
  private forget(request: PendingRequest): void {
    if (request.sent) this.awaiting.delete(request.xid);
    else this.unsent.remove(request);
  }

  /**
   * One timer for all request deadlines, set for the earliest one, instead of a timer per request:
   * with many requests in flight a timer each costs more than the requests themselves. When it
   * fires, overdue requests fail and it is set again for the next deadline.
   */
  private armDeadlineTimer(deadline: number): void {
    if (this.deadlineTimer && deadline >= this.deadlineTimerAt) return;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimerAt = deadline;
    this.deadlineTimer = setTimeout(() => this.expireOverdue(), Math.max(0, deadline - Date.now()));
  }

  private expireOverdue(): void {
    this.deadlineTimer = null;
    this.deadlineTimerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    const expired: PendingRequest[] = [];
    for (const request of [...this.awaiting.values(), ...this.unsent.values()]) {
      if (request.deadline <= now) expired.push(request);
      else if (request.deadline < next) next = request.deadline;
    }
    for (const request of expired) this.expire(request);
    if (next !== Infinity) this.armDeadlineTimer(next);
  }

  private expire(request: PendingRequest): void {
    if (request.settled) return;
    this.forget(request);
    this.settle(
      request,
      new ZooKeeperError('OPERATIONTIMEOUT', {
        operation: request.spec.operation,
        path: request.spec.path,
        detail: request.sent
          ? `no reply within ${request.timeoutMs} ms; the outcome is unknown`
          : `not sent within ${request.timeoutMs} ms: no server reachable (${this.options.describeWaiting()})`,
      }),
    );
  }

  private abort(request: PendingRequest, reason: unknown): void {
    if (request.settled) return;
    this.forget(request);
    this.settle(
      request,
      new ZooKeeperError('ABORTED', {
        operation: request.spec.operation,
        path: request.spec.path,
        detail: request.sent ? 'aborted after sending; the outcome is unknown' : 'aborted before sending',
        cause: reason,
      }),
    );
  }
}

/**
 * A reply body that does not decode: the server (or whatever answered) broke the protocol. Not a
 * MARSHALLINGERROR the server itself reported in the reply header: that is an answer, and the
 * connection is fine.
 */
function isMalformed(error: unknown): boolean {
  return error instanceof JuteDecodeError;
}
