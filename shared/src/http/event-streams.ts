import type { Response } from 'express';
import {
  openEventStream,
  type EventStream,
  type EventStreamOptions,
  type EventStreamStats,
} from './event-stream.ts';
import { HttpError } from './http-error.ts';

export interface EventStreamsOptions extends EventStreamOptions {
  /** Most streams open at once; past it, new ones get 503 TOO_MANY_STREAMS. Default 32. */
  maxStreams?: number;
}

/** A place for one stream, taken before the work that precedes opening it. */
export interface EventStreamSlot {
  /** Opens the stream in this slot; the slot is freed when the stream ends. */
  open(response: Response): EventStream;
  /** Gives the slot back without opening a stream (the setup failed). */
  release(): void;
}

/**
 * The event streams a service holds open, capped. Each stream costs a socket, a timer, buffers and
 * whatever it listens to (a ZooKeeper watch), so the number is bounded like any other resource a
 * remote party can make the service hold; a page that opens streams in a loop gets 503s instead of
 * exhausting file descriptors.
 */
export class EventStreams {
  readonly maxStreams: number;
  private readonly streamOptions: EventStreamOptions;
  private readonly open = new Set<EventStream>();
  private reserved = 0;
  private refused = 0;

  constructor({ maxStreams = 32, ...streamOptions }: EventStreamsOptions = {}) {
    this.maxStreams = maxStreams;
    this.streamOptions = streamOptions;
  }

  /** Takes a slot, or throws 503 TOO_MANY_STREAMS (with Retry-After) when all are in use. */
  reserve(): EventStreamSlot {
    if (this.open.size + this.reserved >= this.maxStreams) {
      this.refused++;
      throw new HttpError(
        503,
        'TOO_MANY_STREAMS',
        `this service already serves ${this.maxStreams} event streams; close one or try again later`,
        { maxStreams: this.maxStreams },
        { 'Retry-After': '5' },
      );
    }
    this.reserved++;
    let used = false;
    const giveBack = (): void => {
      if (used) return;
      used = true;
      this.reserved--;
    };
    return {
      open: (response) => {
        if (used) throw new Error('this slot was already used');
        giveBack();
        const stream = openEventStream(response, this.streamOptions);
        this.open.add(stream);
        stream.signal.addEventListener('abort', () => this.open.delete(stream), { once: true });
        return stream;
      },
      release: giveBack,
    };
  }

  /** Streams open now, and requests refused for want of a slot since the service started. */
  stats(): { open: number; refused: number; streams: EventStreamStats[] } {
    return {
      open: this.open.size,
      refused: this.refused,
      streams: [...this.open].map((stream) => stream.stats),
    };
  }

  /** Ends every stream (on shutdown, so that none waits out the grace period). */
  closeAll(): void {
    for (const stream of this.open) stream.close();
  }
}
