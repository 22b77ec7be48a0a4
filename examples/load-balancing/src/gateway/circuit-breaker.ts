export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** consecutive failures that open the circuit; default 3 */
  failureThreshold?: number;
  /** how long an open circuit refuses before letting one trial request through; default 5 s */
  openMs?: number;
  now?: () => number;
}

/**
 * One provider's circuit, as the gateway sees it. ZooKeeper says a provider is registered, not that
 * it answers: a process that hangs, or whose host vanished, keeps its ephemeral node until its
 * session times out. Until then the circuit keeps requests away from it after a few failures in a
 * row, and lets a single trial through now and then to notice when it works again.
 *
 *   closed ──N failures in a row──▶ open ──openMs later, one trial──▶ half-open
 *     ▲                                ▲                                 │
 *     └────────── trial succeeds ──────┼──────── trial fails ────────────┘
 */
export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly openMs: number;
  private readonly now: () => number;
  private current: CircuitState = 'closed';
  private failuresInARow = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private opened = 0;

  constructor({ failureThreshold = 3, openMs = 5_000, now = Date.now }: CircuitBreakerOptions = {}) {
    this.failureThreshold = failureThreshold;
    this.openMs = openMs;
    this.now = now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** How many times the circuit has opened. */
  get timesOpened(): number {
    return this.opened;
  }

  /** Whether a request may be sent now: closed, or open long enough that a trial is due. */
  get available(): boolean {
    switch (this.current) {
      case 'closed':
        return true;
      case 'open':
        return this.now() - this.openedAt >= this.openMs;
      case 'half-open':
        return !this.trialInFlight;
    }
  }

  /** A request is being sent; past an open circuit's wait, it is the one trial. */
  onAttempt(): void {
    if (this.current === 'open' && this.now() - this.openedAt >= this.openMs) this.current = 'half-open';
    if (this.current === 'half-open') this.trialInFlight = true;
  }

  onSuccess(): void {
    this.current = 'closed';
    this.failuresInARow = 0;
    this.trialInFlight = false;
  }

  onFailure(): void {
    this.trialInFlight = false;
    this.failuresInARow++;
    if (
      this.current === 'half-open' ||
      (this.current === 'closed' && this.failuresInARow >= this.failureThreshold)
    ) {
      this.current = 'open';
      this.openedAt = this.now();
      this.opened++;
    }
  }
}
