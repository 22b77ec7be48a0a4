import type { Producer } from 'kafkajs';
import type { MessageSource, ProducerMetrics } from './producer-metrics.ts';

/** Where Kafka stored one message: what POST /messages answers and /api/state lists. */
export interface SentRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly source: MessageSource;
  readonly at: string;
  readonly latencyMs: number;
}

export interface SenderCounts {
  readonly sent: number;
  readonly errors: number;
  readonly lastError: string | undefined;
  /** the most recent acknowledged messages, newest last */
  readonly recent: readonly SentRecord[];
}

const RECENT = 20;

/**
 * Sends one message at a time with acks=all through an idempotent producer, and keeps score. The
 * producer numbers its batches per partition, so a retry after a lost acknowledgement is recognised
 * by the leader and not written twice.
 */
export class MessageSender {
  private sent = 0;
  private errors = 0;
  private lastError: string | undefined;
  private readonly recent: SentRecord[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly metrics: ProducerMetrics,
  ) {}

  async send(
    message: { topic: string; key?: string | undefined; value: string; headers?: Record<string, string> },
    source: MessageSource,
  ): Promise<SentRecord> {
    const started = performance.now();
    const labels = { topic: message.topic, source };
    try {
      const [metadata] = await this.producer.send({
        topic: message.topic,
        acks: -1,
        messages: [{ key: message.key ?? null, value: message.value, headers: message.headers ?? {} }],
      });
      const latencyMs = performance.now() - started;
      this.metrics.latency.observe({ source }, latencyMs / 1000);
      this.metrics.sent.inc(labels);
      this.sent++;
      const record: SentRecord = {
        topic: message.topic,
        partition: metadata?.partition ?? -1,
        offset: metadata?.baseOffset ?? metadata?.offset ?? '-1',
        key: message.key ?? null,
        source,
        at: new Date().toISOString(),
        latencyMs: Math.round(latencyMs * 10) / 10,
      };
      this.recent.push(record);
      if (this.recent.length > RECENT) this.recent.shift();
      return record;
    } catch (error) {
      this.metrics.errors.inc(labels);
      this.errors++;
      this.lastError = `${message.topic}: ${(error as Error).message}`;
      throw error;
    }
  }

  counts(): SenderCounts {
    return { sent: this.sent, errors: this.errors, lastError: this.lastError, recent: [...this.recent] };
  }
}
