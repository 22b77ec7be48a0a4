import type { StateChange, StateEvent, ZooKeeperClient } from '../src/client/index.ts';
import { eventually } from './eventually.ts';

export interface RecordedStateEvent {
  event: StateEvent;
  at: number;
  sessionId: bigint;
  server: string | undefined;
}

/** Records a client's state events in order, so tests can assert on sequences and timings. */
export class StateRecorder {
  readonly events: RecordedStateEvent[] = [];
  private readonly listener = (change: StateChange): void => {
    this.events.push({
      event: change.event,
      at: Date.now(),
      sessionId: change.sessionId,
      server: change.server,
    });
  };

  constructor(private readonly client: ZooKeeperClient) {
    client.on('state', this.listener);
  }

  get names(): StateEvent[] {
    return this.events.map((entry) => entry.event);
  }

  /** Waits until `event` has been seen `count` times in total; returns the last such entry. */
  async waitFor(
    event: StateEvent,
    options: { timeoutMs?: number; count?: number } = {},
  ): Promise<RecordedStateEvent> {
    const count = options.count ?? 1;
    return eventually(
      () => {
        const matching = this.events.filter((entry) => entry.event === event);
        if (matching.length < count) {
          throw new Error(`waiting for ${count} × "${event}"; seen so far: [${this.names.join(', ')}]`);
        }
        return matching[count - 1]!;
      },
      { timeoutMs: options.timeoutMs ?? 20_000 },
    );
  }

  stop(): void {
    this.client.off('state', this.listener);
  }
}
