import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type MessageSource = 'api' | 'generator';

/** What the producer counts: messages acknowledged, sends that failed, and how long each send took. */
export interface ProducerMetrics {
  readonly sent: Counter<'topic' | 'source'>;
  readonly errors: Counter<'topic' | 'source'>;
  readonly latency: Histogram<'source'>;
}

export function registerProducerMetrics(
  registry: Registry,
  brokersDiscovered: () => number,
): ProducerMetrics {
  new Gauge({
    name: 'kafka_producer_brokers_discovered',
    help: 'brokers the producer found in /brokers/ids (its bootstrap list)',
    registers: [registry],
    collect() {
      this.set(brokersDiscovered());
    },
  });
  return {
    sent: new Counter({
      name: 'kafka_producer_messages_sent_total',
      help: 'messages acknowledged by all in-sync replicas (acks=all)',
      labelNames: ['topic', 'source'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'kafka_producer_send_errors_total',
      help: 'sends that failed after the retries',
      labelNames: ['topic', 'source'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'kafka_producer_send_seconds',
      help: 'time from send to the acknowledgement of all in-sync replicas',
      labelNames: ['source'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
