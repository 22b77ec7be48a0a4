/**
 * How long the session waits before its next connection attempt. Servers are tried back to back
 * while the round lasts (a dead server should not delay failover to the next one); after a whole
 * round has failed the client pauses, doubling from 50 ms to 1 s, plus up to as much again at
 * random so that many clients cut off together do not return in step.
 *
 * A failure is anything short of a working connection: a refused or timed-out connect, a bad or
 * expired handshake, and a connection that dies before it has been up for `stableAfterMs`. The last
 * one matters against a server that completes handshakes and then breaks every connection (or a
 * handshake that announces a session timeout of 1 ms): counting only handshake failures, the
 * client would reconnect thousands of times a second.
 */
export class ReconnectBackoff {
  static readonly MIN_DELAY_MS = 50;
  static readonly MAX_DELAY_MS = 1000;
  /** a connection that lasted this long counts as working: the next loss starts a fresh round */
  static readonly STABLE_AFTER_MS = 1000;

  private failuresInRow = 0;
  private delayMs = ReconnectBackoff.MIN_DELAY_MS;
  private waitBeforeNextMs = 0;

  constructor(
    private readonly serverCount: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The pause owed before the next attempt; reading it clears it. */
  takeDelay(): number {
    const delay = this.waitBeforeNextMs;
    this.waitBeforeNextMs = 0;
    return delay;
  }

  recordFailure(): void {
    this.failuresInRow++;
    if (this.failuresInRow % this.serverCount !== 0) return;
    this.waitBeforeNextMs = this.delayMs + Math.floor(this.random() * this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, ReconnectBackoff.MAX_DELAY_MS);
  }

  /** A connection ended after `livedMs`: a working one resets the backoff, a short-lived one is a failure. */
  recordConnectionEnd(livedMs: number): void {
    if (livedMs < ReconnectBackoff.STABLE_AFTER_MS) {
      this.recordFailure();
      return;
    }
    this.failuresInRow = 0;
    this.delayMs = ReconnectBackoff.MIN_DELAY_MS;
    this.waitBeforeNextMs = 0;
  }
}
