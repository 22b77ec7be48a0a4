/** What one provider did for this gateway. */
export interface ProviderTraffic {
  /** attempts sent to it */
  sent: number;
  /** attempts it answered usefully (anything but a failure below) */
  served: number;
  /** attempts that failed: refused, timed out, broken, or answered 502/503/504 */
  failed: number;
}

/** One interval of traffic: requests each provider served in it. */
export interface TrafficSample {
  /** when the interval ended (epoch ms) */
  at: number;
  /** its length, so a page can show requests per second whatever the interval */
  seconds: number;
  served: Record<string, number>;
}

export interface ClientTotals {
  /** requests clients sent through the gateway */
  requests: number;
  /** of those, answered with a provider's response (whatever its status) */
  answered: number;
  /** of those, answered by the gateway itself with 502/503: no provider could answer */
  failed: number;
  /** extra attempts made after a failed one */
  retries: number;
}

/**
 * Counters for the page and /metrics: per provider, and per client request. It also keeps the last
 * minute as one sample a second, so a page opened now draws the recent past at once.
 */
export class TrafficStats {
  private readonly providers = new Map<string, ProviderTraffic>();
  private readonly totals: ClientTotals = { requests: 0, answered: 0, failed: 0, retries: 0 };
  private readonly history: TrafficSample[] = [];
  private servedAtLastSample = new Map<string, number>();
  private lastSampleAt = Date.now();

  constructor(private readonly historyLength = 60) {}

  attempt(id: string, isRetry: boolean): void {
    this.of(id).sent++;
    if (isRetry) this.totals.retries++;
  }

  outcome(id: string, ok: boolean): void {
    if (ok) this.of(id).served++;
    else this.of(id).failed++;
  }

  request(answered: boolean): void {
    this.totals.requests++;
    if (answered) this.totals.answered++;
    else this.totals.failed++;
  }

  provider(id: string): ProviderTraffic {
    return { ...this.of(id) };
  }

  get clientTotals(): ClientTotals {
    return { ...this.totals };
  }

  get recent(): readonly TrafficSample[] {
    return this.history;
  }

  /** Closes one interval: how many requests each provider served since the last sample. */
  sample(now = Date.now()): TrafficSample {
    const served: Record<string, number> = {};
    const next = new Map<string, number>();
    for (const [id, traffic] of this.providers) {
      served[id] = traffic.served - (this.servedAtLastSample.get(id) ?? 0);
      next.set(id, traffic.served);
    }
    this.servedAtLastSample = next;
    const sample = { at: now, seconds: Math.max(0.001, (now - this.lastSampleAt) / 1000), served };
    this.lastSampleAt = now;
    this.history.push(sample);
    if (this.history.length > this.historyLength) this.history.shift();
    return sample;
  }

  private of(id: string): ProviderTraffic {
    let traffic = this.providers.get(id);
    if (!traffic) {
      traffic = { sent: 0, served: 0, failed: 0 };
      this.providers.set(id, traffic);
    }
    return traffic;
  }
}
