interface Waiter {
  grant(): void;
}

/**
 * A first-come, first-served lock among the async tasks of one process: what a recipe object uses
 * so that two tasks sharing it (two requests in one HTTP handler) take turns instead of both
 * believing they hold. A waiter that gives up (its signal aborts) leaves the line at once and never
 * receives the turn, so a cancelled wait cannot strand the tasks behind it.
 */
export class InProcessLock {
  private held = false;
  private readonly waiters: Waiter[] = [];

  get isLocked(): boolean {
    return this.held;
  }

  /** Resolves once the caller has the turn; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (!this.held && this.waiters.length === 0) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Takes the turn only if nobody has it or waits for it. */
  tryAcquire(): boolean {
    if (this.held || this.waiters.length > 0) return false;
    this.held = true;
    return true;
  }

  /** Hands the turn to the longest waiter, or frees it. Only the task that has the turn calls this. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = false;
  }
}
