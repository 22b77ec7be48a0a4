import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConfigSubscription } from './config-subscription.ts';

/**
 * The pattern's own numbers, next to the process metrics: how many changes this subscriber applied,
 * how often it had to re-read everything, and how long a change took to arrive.
 */
export function registerSubscriberMetrics(registry: Registry, subscription: ConfigSubscription): void {
  const applied = new Counter({
    name: 'config_center_changes_applied_total',
    help: 'configuration changes applied to the values held in memory, by type (set, deleted)',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const resyncs = new Counter({
    name: 'config_center_resyncs_total',
    help: 'full re-reads of the configuration after a reconnect (reconnected) or a new session (newSession)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'config_center_propagation_lag_seconds',
    help:
      'from the commit of a write (its mtime, the ZooKeeper leader clock) to this subscriber applying it; ' +
      'millisecond resolution, and only as good as the clocks agree',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'config_center_keys',
    help: 'configuration keys held in memory',
    registers: [registry],
    collect() {
      this.set(subscription.snapshot().size);
    },
  });
  subscription.on('applied', (change) => {
    if (change.type === 'resynced') {
      resyncs.inc({ reason: change.reason });
      return;
    }
    applied.inc({ type: change.type });
    if (change.type === 'set') lag.observe(change.lagMs / 1000);
  });
}
