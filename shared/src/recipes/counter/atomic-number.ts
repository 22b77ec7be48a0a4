import type { Stat, ZooKeeperClient } from '../../client/index.ts';
import { ensurePath, isZooKeeperError, parentPath, validatePath } from '../../client/index.ts';
import { conditionalWrite, type Expected } from '../core/conditional-write.ts';
import { retryIdempotent } from '../core/connection.ts';
import { Deadline, sleep } from '../core/deadline.ts';
import { RecipeError, isRecipeError } from '../core/errors.ts';
import type { NumberCodec } from './number-codec.ts';

/** The outcome of an atomic operation, as Curator's AtomicValue reports it. */
export interface AtomicResult<T> {
  /** whether the value was changed (always true for get). Check it: losing every race is not an error. */
  succeeded: boolean;
  /** the value the last attempt read (0 for a missing node) */
  preValue: T;
  /** the value written; equal to preValue when nothing was written */
  postValue: T;
  /** read–compare–write rounds it took */
  attempts: number;
  /** the node's Stat after the write, or as last read (null: the node does not exist) */
  stat: Stat | null;
}

/**
 * How hard an update tries when other clients keep changing the value between its read and its
 * write (Curator takes a RetryPolicy for the same purpose).
 */
export interface AtomicRetryPolicy {
  /** rounds before giving up with succeeded: false; default 10; Infinity = until the deadline */
  maxAttempts?: number;
  /** pause after a lost race, doubled per round with jitter; default 5 ms */
  baseSleepMs?: number;
  /** longest pause; default 250 ms */
  maxSleepMs?: number;
}

export interface AtomicCallOptions {
  /** give up after this long: RecipeError TIMEOUT (nothing written) or UNKNOWN_OUTCOME */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The engine behind DistributedAtomicLong and DistributedAtomicInteger (Curator's
 * DistributedAtomicValue, optimistic mode): read the node and its version, compute the new value,
 * write it with that version — or create the node if it is missing — and start over when another
 * client won the race.
 *
 * A lost reply is settled by conditionalWrite (core/conditional-write.ts): either the write is
 * proved not applied and retried, or the call fails with UNKNOWN_OUTCOME. An increment is never
 * applied twice behind the caller's back.
 */
export class DistributedAtomicNumber<T, Input = T> {
  private readonly maxAttempts: number;
  private readonly baseSleepMs: number;
  private readonly maxSleepMs: number;

  protected constructor(
    protected readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly codec: NumberCodec<T>,
    private readonly recipe: string,
    retry: AtomicRetryPolicy = {},
  ) {
    validatePath(path, { operation: recipe });
    this.maxAttempts = retry.maxAttempts ?? 10;
    this.baseSleepMs = retry.baseSleepMs ?? 5;
    this.maxSleepMs = retry.maxSleepMs ?? 250;
    const attemptsOk =
      this.maxAttempts === Infinity || (Number.isInteger(this.maxAttempts) && this.maxAttempts > 0);
    if (!attemptsOk) this.badArgument(`retry.maxAttempts must be a positive integer or Infinity`);
    for (const [name, value] of [
      ['baseSleepMs', this.baseSleepMs],
      ['maxSleepMs', this.maxSleepMs],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) this.badArgument(`retry.${name} must be >= 0, got ${value}`);
    }
  }

  /** The current value (0 if the node does not exist). */
  async get(options: AtomicCallOptions = {}): Promise<AtomicResult<T>> {
    const deadline = this.deadline(options);
    try {
      const { value, stat } = await this.read(deadline.signal);
      return { succeeded: true, preValue: value, postValue: value, attempts: 1, stat };
    } catch (error) {
      throw this.failure(error, deadline);
    }
  }

  /** Adds `delta` (negative to subtract); the sum wraps like Java arithmetic. */
  async add(delta: Input, options: AtomicCallOptions = {}): Promise<AtomicResult<T>> {
    const amount = this.codec.validate(delta, 'delta', this.recipe, this.path);
    return this.update((current) => this.codec.add(current, amount), options);
  }

  /**
   * Sets `newValue` only if the current value is `expected`: a single round, no retries. The read
   * follows a sync, so a write another client completed before this call is never missed (a plain
   * read may be served by a server that has not applied it yet).
   */
  async compareAndSet(
    expected: Input,
    newValue: Input,
    options: AtomicCallOptions = {},
  ): Promise<AtomicResult<T>> {
    const expectedValue = this.codec.validate(expected, 'expected', this.recipe, this.path);
    const next = this.codec.validate(newValue, 'newValue', this.recipe, this.path);
    return this.update((current) => (current === expectedValue ? next : undefined), options, 1, true);
  }

  /** Sets `newValue` with compare-and-set, retrying lost races within the retry policy. */
  async trySet(newValue: Input, options: AtomicCallOptions = {}): Promise<AtomicResult<T>> {
    const next = this.codec.validate(newValue, 'newValue', this.recipe, this.path);
    return this.update(() => next, options);
  }

  /** Sets `newValue` unconditionally (creating the node if needed), whatever others are doing. */
  async forceSet(newValue: Input, options: AtomicCallOptions = {}): Promise<Stat> {
    const bytes = this.codec.encode(this.codec.validate(newValue, 'newValue', this.recipe, this.path));
    const deadline = this.deadline(options);
    // Writing the same bytes twice leaves the same value, so a plain retry after a lost reply is fine.
    const write = async (): Promise<Stat> => {
      try {
        return await this.client.setData(this.path, bytes);
      } catch (error) {
        if (!isZooKeeperError(error, 'NONODE')) throw error;
        await ensurePath(this.client, parentPath(this.path), { mode: 'container' });
        try {
          return (await this.client.create2(this.path, bytes)).stat;
        } catch (createError) {
          if (!isZooKeeperError(createError, 'NODEEXISTS')) throw createError;
          return await this.client.setData(this.path, bytes);
        }
      }
    };
    try {
      return await retryIdempotent(this.client, write, deadline.signal);
    } catch (error) {
      throw this.failure(error, deadline);
    }
  }

  /** Creates the node with `value` if it does not exist; false if it already did. */
  async initialize(value: Input, options: AtomicCallOptions = {}): Promise<boolean> {
    const bytes = this.codec.encode(this.codec.validate(value, 'value', this.recipe, this.path));
    const deadline = this.deadline(options);
    try {
      const result = await conditionalWrite(this.client, this.path, bytes, 'absent', {
        recipe: this.recipe,
        signal: deadline.signal,
      });
      return result.written;
    } catch (error) {
      throw this.failure(error, deadline);
    }
  }

  /**
   * One read–compute–write round after another until a write lands, `make` declines (returns
   * undefined), the attempts run out, or the deadline passes.
   */
  private async update(
    make: (current: T) => T | undefined,
    options: AtomicCallOptions,
    maxAttempts = this.maxAttempts,
    syncFirst = false,
  ): Promise<AtomicResult<T>> {
    const deadline = this.deadline(options);
    try {
      for (let attempts = 1; ; attempts++) {
        const current = await this.read(deadline.signal, syncFirst);
        const next = make(current.value);
        if (next === undefined) {
          return {
            succeeded: false,
            preValue: current.value,
            postValue: current.value,
            attempts,
            stat: current.stat,
          };
        }
        const result = await conditionalWrite(
          this.client,
          this.path,
          this.codec.encode(next),
          current.expected,
          {
            recipe: this.recipe,
            signal: deadline.signal,
          },
        );
        if (result.written) {
          return { succeeded: true, preValue: current.value, postValue: next, attempts, stat: result.stat };
        }
        if (attempts >= maxAttempts) {
          return {
            succeeded: false,
            preValue: current.value,
            postValue: current.value,
            attempts,
            stat: current.stat,
          };
        }
        const ceiling = Math.min(this.maxSleepMs, this.baseSleepMs * 2 ** Math.min(attempts - 1, 20));
        await sleep(Math.random() * ceiling, deadline.signal);
      }
    } catch (error) {
      throw this.failure(error, deadline);
    }
  }

  /**
   * The value and version now. A stale read (from a server behind the leader) is harmless in a retry
   * loop — the versioned write fails and the next round reads again — but a single round can sync.
   */
  private async read(
    signal: AbortSignal,
    syncFirst = false,
  ): Promise<{ value: T; expected: Expected; stat: Stat | null }> {
    try {
      const { data, stat } = await retryIdempotent(
        this.client,
        async () => {
          if (syncFirst) await this.client.sync(this.path);
          return this.client.getData(this.path);
        },
        signal,
      );
      const value = this.codec.decode(data, this.recipe, this.path);
      return { value, expected: { version: stat.version }, stat };
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE'))
        return { value: this.codec.zero, expected: 'absent', stat: null };
      throw error;
    }
  }

  private deadline(options: AtomicCallOptions): Deadline {
    return new Deadline(this.recipe, this.path, options.timeoutMs, options.signal);
  }

  /** Recipe errors (UNKNOWN_OUTCOME, CORRUPT_DATA) as they are; a fired deadline as TIMEOUT/ABORTED. */
  private failure(error: unknown, deadline: Deadline): unknown {
    if (isRecipeError(error)) return error;
    if (deadline.signal.aborted) return deadline.error();
    return error;
  }

  private badArgument(message: string): never {
    throw new RecipeError('BAD_ARGUMENT', this.recipe, this.path, message);
  }
}
