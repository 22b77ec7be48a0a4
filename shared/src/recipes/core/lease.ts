import { RecipeError } from './errors.ts';

/**
 * Why a hold ended:
 * - released: the holder let go
 * - suspended: the connection dropped; the session may still be alive, but another client may get
 *   the node's place once the servers expire it, so the hold is given up at once
 * - lost: the session is gone, and with it the node
 * - closed: the recipe or client was closed
 */
export type LeaseEndReason = 'released' | 'suspended' | 'lost' | 'closed';

/**
 * Proof of holding something in ZooKeeper (a lock, a semaphore lease, leadership), valid until
 * `signal` aborts. Work done under a lease should pass `lease.signal` along and, when it touches a
 * shared resource, present `fencingToken`: it grows with every new holder, so a resource that
 * remembers the highest token it has seen can refuse a holder that lost its lease without noticing
 * (a long pause, a partition).
 */
export class Lease {
  private readonly controller = new AbortController();
  private reason: LeaseEndReason | undefined;
  private readonly endListeners: ((reason: LeaseEndReason) => void)[] = [];

  constructor(
    readonly recipe: string,
    /** the znode that represents this hold */
    readonly path: string,
    /** czxid of that znode: ZooKeeper's global, ever-growing transaction id */
    readonly fencingToken: bigint,
    /** the session that owns the node */
    readonly sessionId: bigint,
    private readonly releaser: () => Promise<void>,
  ) {}

  /** Aborts when the hold ends for any reason; its reason is a RecipeError with code LOST or NOT_HELD. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isHeld(): boolean {
    return this.reason === undefined;
  }

  get endReason(): LeaseEndReason | undefined {
    return this.reason;
  }

  /** Lets go of what this lease holds. Resolves once ZooKeeper has confirmed it. */
  release(): Promise<void> {
    return this.releaser();
  }

  /** Called once when the hold ends. */
  onEnd(listener: (reason: LeaseEndReason) => void): void {
    if (this.reason) listener(this.reason);
    else this.endListeners.push(listener);
  }

  /** Throws unless the lease is still held; call before acting on the protected resource. */
  assertHeld(): void {
    if (this.reason) throw this.signal.reason as Error;
  }

  private endError(reason: LeaseEndReason): RecipeError {
    if (reason !== 'released' && reason !== 'closed') {
      return new RecipeError('LOST', this.recipe, this.path, `lease ended: ${reason}`);
    }
    // An ordinary end needs no stack trace, and capturing one on every release showed up in profiles.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new RecipeError('NOT_HELD', this.recipe, this.path, `lease ended: ${reason}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** For recipes: marks the lease as ended. */
  end(reason: LeaseEndReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(this.endError(reason));
    for (const listener of this.endListeners.splice(0)) {
      try {
        listener(reason);
      } catch {
        // A listener's failure must not stop the others from hearing about the end.
      }
    }
  }
}
