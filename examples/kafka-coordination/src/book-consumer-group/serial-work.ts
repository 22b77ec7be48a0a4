/**
 * One task at a time, in order: a member's rebalances and commits must never interleave (a commit
 * between a release and a claim would write an offset for a partition it no longer owns). A request
 * of a kind already waiting to start is dropped — that waiting task will see the newer state anyway —
 * but a request made while a task of its kind runs queues another, so no change goes unhandled.
 */
export class SerialWork {
  private chain: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<string>();

  constructor(private readonly onFailure: (error: unknown) => void) {}

  /** Queues `task`; resolves when it has run (failures go to onFailure). */
  run(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task).catch((error: unknown) => this.onFailure(error));
    this.chain = next;
    return next;
  }

  /** Queues `task` unless a task of this kind is already waiting to start. */
  request(kind: string, task: () => Promise<void>): void {
    if (this.waiting.has(kind)) return;
    this.waiting.add(kind);
    void this.run(async () => {
      this.waiting.delete(kind);
      await task();
    });
  }

  /** Resolves once everything queued so far has run. */
  settled(): Promise<void> {
    return this.chain;
  }
}
