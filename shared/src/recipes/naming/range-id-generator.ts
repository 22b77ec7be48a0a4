import type { ZooKeeperClient } from '../../client/index.ts';
import { validatePath } from '../../client/index.ts';
import { DistributedAtomicLong } from '../counter/distributed-atomic-long.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError, isRecipeError } from '../core/errors.ts';
import { untilAborted } from '../core/until-aborted.ts';

const RECIPE = 'RangeIdGenerator';

export interface RangeIdGeneratorOptions {
  /** IDs reserved per compare-and-set; default 1000 */
  rangeSize?: number;
}

/** A block of IDs reserved by one compare-and-set: first…last, both included. */
export interface LeasedRange {
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * Unique IDs at memory speed: the generator reserves a whole range of IDs with one compare-and-set
 * on a counter node, then hands them out locally. The counter is a DistributedAtomicLong (8 bytes,
 * big-endian) holding the highest ID reserved so far; reserving n IDs moves it from `v` to `v + n`,
 * and the range is `v + 1 … v + n`.
 *
 * ```
 * /ids/invoices-counter     [P] 00 00 00 00 00 00 0b b8   (3000: three ranges of 1000 reserved)
 * ```
 *
 * ```ts
 * const ids = new RangeIdGenerator(client, '/ids/invoices-counter', { rangeSize: 1000 });
 * const invoiceId = await ids.nextId();           // 1n, 2n, … (bigint)
 * ```
 *
 * Why no ID ever repeats:
 * - every range comes from a compare-and-set on the node's version, so two reservations — by any
 *   client, process, or a Curator DistributedAtomicLong incrementing the same node (its
 *   increment's postValue is a range of one) — never overlap;
 * - within the process, concurrent callers share the current range (taking an ID is synchronous)
 *   and one reservation in flight;
 * - a reservation whose reply was lost, and which reading back cannot settle, is never used: a new
 *   range is reserved instead (the doubtful one is wasted, never handed out twice);
 * - a crashed client simply wastes the rest of its range.
 * IDs are therefore unique and increasing per generator, but neither consecutive nor globally
 * ordered across generators.
 *
 * Connection policy: the counter is persistent and nothing is owned, so neither suspended nor lost
 * affects IDs already reserved; they keep being handed out. A reservation waits for the connection
 * (callers' deadlines apply to their own wait).
 */
export class RangeIdGenerator {
  private readonly counter: DistributedAtomicLong;
  private readonly rangeSize: bigint;
  private next = 0n;
  private end = 0n;
  private reserving: Promise<void> | undefined;
  private readonly closing = new AbortController();
  private rangesReserved = 0;
  private rangesWasted = 0;
  private range: LeasedRange | undefined;

  constructor(
    client: ZooKeeperClient,
    readonly counterPath: string,
    options: RangeIdGeneratorOptions = {},
  ) {
    validatePath(counterPath, { operation: RECIPE });
    const size = options.rangeSize ?? 1000;
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        counterPath,
        `rangeSize must be a positive integer, got ${size}`,
      );
    }
    this.rangeSize = BigInt(size);
    this.counter = new DistributedAtomicLong(client, counterPath, { retry: { maxAttempts: Infinity } });
  }

  /** The next unique ID. Rejects with RecipeError TIMEOUT/ABORTED when the deadline passes first. */
  async nextId(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<bigint> {
    // The common case takes an ID from memory, without the timers a deadline costs.
    if (this.next < this.end && validTimeout(options.timeoutMs) && !options.signal?.aborted)
      return this.next++;
    const deadline = new Deadline(RECIPE, this.counterPath, options.timeoutMs, options.signal);
    for (;;) {
      if (this.closing.signal.aborted) throw this.closing.signal.reason as Error;
      if (this.next < this.end) return this.next++;
      this.reserving ??= this.reserve().finally(() => {
        this.reserving = undefined;
      });
      try {
        await untilAborted(this.reserving, deadline.signal);
      } catch (error) {
        if (deadline.signal.aborted) throw deadline.error();
        throw error;
      }
    }
  }

  /** The range being handed out, if any. */
  get currentRange(): LeasedRange | undefined {
    return this.range;
  }

  /** IDs left in the current range. */
  get remaining(): number {
    return Number(this.end - this.next);
  }

  /** Ranges reserved, and ranges given up because a reservation's outcome was unknown. */
  get stats(): { rangesReserved: number; rangesWasted: number } {
    return { rangesReserved: this.rangesReserved, rangesWasted: this.rangesWasted };
  }

  /** Stops handing out IDs; the rest of the range is wasted (never handed out by anyone). */
  close(): void {
    this.closing.abort(new RecipeError('CLOSED', RECIPE, this.counterPath, 'closed'));
    this.end = this.next;
  }

  private async reserve(): Promise<void> {
    for (;;) {
      let result;
      try {
        result = await this.counter.add(this.rangeSize, { signal: this.closing.signal });
      } catch (error) {
        // Maybe reserved, maybe not: never use it, reserve another.
        if (isRecipeError(error, 'UNKNOWN_OUTCOME')) {
          this.rangesWasted++;
          continue;
        }
        if (this.closing.signal.aborted) throw this.closing.signal.reason as Error;
        throw error;
      }
      if (result.postValue < result.preValue) {
        throw new RecipeError('CORRUPT_DATA', RECIPE, this.counterPath, 'the counter wrapped past 2^63 - 1');
      }
      this.rangesReserved++;
      this.range = { first: result.preValue + 1n, last: result.postValue };
      this.next = result.preValue + 1n;
      this.end = result.postValue + 1n;
      return;
    }
  }
}

function validTimeout(timeoutMs: number | undefined): boolean {
  return timeoutMs === undefined || (Number.isFinite(timeoutMs) && timeoutMs >= 0);
}
