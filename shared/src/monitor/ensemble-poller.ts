import { setMaxListeners } from 'node:events';
import { FourLetterClient } from '../fourletter/index.ts';
import { summarise, type EnsembleSummary } from './ensemble-summary.ts';
import { describeMember, unknownStatus, type MemberStatus, type MonitoredMember } from './member-status.ts';

export interface PollerOptions {
  readonly members: readonly MonitoredMember[];
  /** Time between the starts of two polls of a member. Default 1000 ms. */
  readonly intervalMs?: number;
  /**
   * Deadline for each four-letter word. A paused server accepts the TCP connection (the kernel does
   * that) and never answers, so without a deadline one hung member would freeze its row forever.
   * Default 1500 ms: above a GC pause or a busy CPU, below what makes the table feel stale.
   */
  readonly timeoutMs?: number;
}

export interface PolledMember extends MemberStatus {
  /** the most recent failure, kept after the member recovers so that a blip stays visible */
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/**
 * Asks every member for srvr, mntr, cons and wchs, over and over. Each member has its own loop, so
 * a member that times out delays only its own row; the snapshot always holds every member's latest
 * answer.
 */
export class EnsemblePoller {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly latest = new Map<number, PolledMember>();
  private readonly wakers = new Map<number, () => void>();
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: PollerOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 1_500;
    // Every word in flight listens to it: four per member.
    setMaxListeners(0, this.stopping.signal);
    for (const member of options.members)
      this.latest.set(member.id, { ...unknownStatus(member), lastError: null });
  }

  start(): void {
    if (this.loops.length > 0) return;
    this.loops = this.options.members.map((member) => this.run(member));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    for (const wake of this.wakers.values()) wake();
    await Promise.all(this.loops);
  }

  /** Polls a member (or all) now instead of at its next turn, e.g. right after killing it. */
  pollNow(id?: number): void {
    for (const [memberId, wake] of this.wakers) if (id === undefined || id === memberId) wake();
  }

  members(): PolledMember[] {
    return [...this.latest.values()];
  }

  summary(): EnsembleSummary {
    return summarise(this.members());
  }

  private async run(member: MonitoredMember): Promise<void> {
    const client = new FourLetterClient(member.host, member.port, {
      timeoutMs: this.timeoutMs,
      signal: this.stopping.signal,
    });
    while (!this.stopping.signal.aborted) {
      const polledAt = new Date();
      const started = performance.now();
      const [srvr, mntr, cons, wchs] = await Promise.allSettled([
        client.srvr(),
        client.mntr(),
        client.cons(),
        client.wchs(),
      ]);
      if (this.stopping.signal.aborted) return;
      const pollMs = performance.now() - started;
      this.record(describeMember(member, { srvr, mntr, cons, wchs }, { polledAt, pollMs }));
      await this.sleep(member.id, this.intervalMs - pollMs);
    }
  }

  private record(status: MemberStatus): void {
    const previous = this.latest.get(status.id);
    const lastError = status.error
      ? { message: status.error, at: status.polledAt }
      : (previous?.lastError ?? null);
    this.latest.set(status.id, { ...status, lastError });
  }

  private sleep(id: number, ms: number): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(id);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.wakers.set(id, wake);
    });
  }
}
