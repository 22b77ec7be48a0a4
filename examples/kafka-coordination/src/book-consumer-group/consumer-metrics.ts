import { Counter, Gauge, type Registry } from 'prom-client';
import type { BookConsumerState } from './book-consumer.ts';

/**
 * The member's Prometheus metrics. Most are read from its state at scrape time; the consumed
 * counter is counted as messages are processed.
 */
export function registerConsumerMetrics(
  registry: Registry,
  state: () => BookConsumerState | undefined,
): { consumed: Counter<'partition'> } {
  const gauge = (name: string, help: string, read: (state: BookConsumerState) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = state();
        this.set(current ? read(current) : 0);
      },
    });
  };
  gauge(
    'book_consumer_owned_partitions',
    'partitions whose owner node this member holds',
    (s) => s.owned.length,
  );
  gauge('book_consumer_consuming', '1 while the member processes messages', (s) => (s.consuming ? 1 : 0));
  gauge('book_consumer_uncommitted_messages', 'processed, offset not yet in ZooKeeper', (s) => s.uncommitted);
  gauge(
    'book_consumer_abandoned_messages',
    'processed messages whose offsets were never committed because ownership was lost first',
    (s) => s.abandoned,
  );
  gauge(
    'book_consumer_refetched_messages',
    'messages fetched again below the processed position and skipped',
    (s) => s.refetched,
  );
  gauge('book_consumer_rebalances', 'rebalances completed by this member', (s) => s.rebalances);
  gauge(
    'book_consumer_failed_rebalance_attempts',
    'rebalance attempts that found a partition still owned by another member',
    (s) => s.failedRebalanceAttempts,
  );
  gauge(
    'book_consumer_last_rebalance_seconds',
    'duration of the last rebalance',
    (s) => (s.lastRebalanceMs ?? 0) / 1000,
  );
  const consumed = new Counter({
    name: 'book_consumer_messages_consumed_total',
    help: 'messages processed by this member',
    labelNames: ['partition'] as const,
    registers: [registry],
  });
  return { consumed };
}
