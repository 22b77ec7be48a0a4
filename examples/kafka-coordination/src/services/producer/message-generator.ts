import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { MessageSender } from './message-sender.ts';

export interface GeneratorState {
  readonly topic: string;
  readonly everyMs: number;
  readonly running: boolean;
  /** the number the next message will carry */
  readonly next: number;
}

/**
 * A steady stream of numbered messages (value "0", "1", ...; header `producer` names the instance),
 * one every `everyMs`, each sent only after the previous one was acknowledged, so the numbers reach
 * each partition in order. Within the producer's retries the idempotent producer writes each message
 * once; a send that fails past them is sent again with the same number, so a consumer may see a
 * number twice (the failed send did land) but never miss one.
 */
export class MessageGenerator {
  private next = 0;
  private running = false;

  constructor(
    private readonly sender: MessageSender,
    private readonly options: { topic: string; everyMs: number; instanceId: string; logger: Logger },
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    this.running = true;
    try {
      while (!signal.aborted) {
        try {
          await this.sender.send(
            {
              topic: this.options.topic,
              value: String(this.next),
              headers: { producer: this.options.instanceId },
            },
            'generator',
          );
          this.next++;
        } catch (error) {
          this.options.logger.warn(
            { err: error, number: this.next },
            'numbered message not sent; retrying it',
          );
        }
        await sleep(this.options.everyMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }

  state(): GeneratorState {
    return {
      topic: this.options.topic,
      everyMs: this.options.everyMs,
      running: this.running,
      next: this.next,
    };
  }
}
