import { EventEmitter } from 'node:events';
import { keyMovement, sampleKeys, type KeyMovement } from '../strategies/index.ts';
import type { MembershipChange, Provider, ProviderList } from './provider-list.ts';
import type { TrafficSample, TrafficStats } from './traffic-stats.ts';

export interface MovementReport extends KeyMovement {
  at: number;
  providersBefore: number;
  providersAfter: number;
}

export interface GatewayFeedEvents {
  sample: [sample: TrafficSample];
  membership: [change: MembershipChange];
  movement: [movement: MovementReport];
}

/** Keys sampled to tell how many move when a provider joins or leaves. */
const MOVEMENT_SAMPLE = sampleKeys(10_000);
const MEMBERSHIP_KEPT = 1_000;

/**
 * What the gateway tells its page: a traffic sample every interval, each provider joining, leaving
 * or changing weight (with when the gateway saw it — the fault test measures kill → left from
 * these), and how many keys a consistent-hash ring moved compared with modulo at each join or leave.
 */
export class GatewayFeed extends EventEmitter<GatewayFeedEvents> {
  private readonly changes: MembershipChange[] = [];
  private movement: MovementReport | undefined;
  private previous: readonly Provider[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(list: ProviderList, stats: TrafficStats, sampleIntervalMs = 1_000) {
    super();
    this.setMaxListeners(0);
    list.on('membership', (change) => {
      this.changes.push(change);
      if (this.changes.length > MEMBERSHIP_KEPT) this.changes.shift();
      this.emit('membership', change);
    });
    list.on('changed', (providers) => this.onProviders(providers));
    this.timer = setInterval(() => this.emit('sample', stats.sample()), sampleIntervalMs);
    this.timer.unref();
  }

  membership(): readonly MembershipChange[] {
    return this.changes;
  }

  lastMovement(): MovementReport | undefined {
    return this.movement;
  }

  close(): void {
    clearInterval(this.timer);
    this.removeAllListeners();
  }

  private onProviders(providers: readonly Provider[]): void {
    const routable = (list: readonly Provider[]) => list.filter((provider) => provider.weight > 0);
    const before = routable(this.previous);
    const after = routable(providers);
    this.previous = providers;
    const ids = (list: readonly Provider[]) =>
      list
        .map((provider) => provider.id)
        .sort()
        .join(',');
    if (before.length === 0 || ids(before) === ids(after)) return;
    this.movement = {
      at: Date.now(),
      providersBefore: before.length,
      providersAfter: after.length,
      ...keyMovement(before, after, MOVEMENT_SAMPLE),
    };
    this.emit('movement', this.movement);
  }
}
