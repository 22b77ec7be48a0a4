import { EventEmitter } from 'node:events';
import {
  isConnectionLossClass,
  type AddWatchMode,
  type WatchedEvent,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import type { Logger } from 'pino';
import {
  inspectKafkaCluster,
  type ControllerView,
  type KafkaClusterView,
} from '../../inspector/inspect-cluster.ts';
import { diffClusterViews, type ClusterChange } from './cluster-changes.ts';

/** A change as the log keeps it: when it was seen, and in which order. */
export interface ClusterLogEntry extends ClusterChange {
  readonly sequence: number;
  readonly at: string;
}

/** What GET /api/cluster answers and every `cluster` event carries. */
export interface ClusterSnapshot {
  /** bumped at every re-read that changed the view: the page's change counter */
  readonly version: number;
  readonly updatedAt: string | undefined;
  /** the inspector's own ZooKeeper connection */
  readonly connection: string;
  /** undefined until the first read succeeded */
  readonly view: KafkaClusterView | undefined;
  /** the most recent changes, oldest first */
  readonly log: readonly ClusterLogEntry[];
  readonly lastError: string | undefined;
}

/**
 * The znodes whose changes the page shows, and how each is watched. Persistent watches (ZooKeeper
 * 3.6+) stay armed after firing, so no change between a fire and a re-arm is missed, and the client
 * re-registers them after a reconnect. `/controller` and `/controller_epoch` need only their own
 * events; under `/brokers` every registration, topic and partition state matters, so its whole
 * subtree is watched, as are the notification and admin-request queues.
 */
const WATCHED: readonly { path: string; mode: AddWatchMode }[] = [
  { path: '/controller', mode: 'persistent' },
  { path: '/controller_epoch', mode: 'persistent' },
  { path: '/brokers', mode: 'persistentRecursive' },
  { path: '/config/changes', mode: 'persistentRecursive' },
  { path: '/admin', mode: 'persistentRecursive' },
  { path: '/cluster', mode: 'persistentRecursive' },
];

export interface ClusterWatchEvents {
  changed: [snapshot: ClusterSnapshot];
}

/**
 * Keeps a decoded view of a Kafka cluster current: every watch event schedules one re-read of the
 * whole view (events that arrive during a read fold into one more read), and each new view is diffed
 * against the last into the change log. Re-reading rather than patching from events keeps the view
 * right however events group: a dead broker's registration, the controller and several partition
 * states change within milliseconds of each other.
 */
export class ClusterWatch extends EventEmitter<ClusterWatchEvents> {
  private view: KafkaClusterView | undefined;
  /** the last controller seen, kept through an election's gap so the log can say who it moved from */
  private lastController: ControllerView | undefined;
  private version = 0;
  private updatedAt: string | undefined;
  private lastError: string | undefined;
  private readonly log: ClusterLogEntry[] = [];
  private nextSequence = 1;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private closed = false;
  /** the watches are registered for the current session */
  private armed = false;
  private readonly onWatchEvent = (event: WatchedEvent): void => {
    // "none" events end a watch (session expired, client closed): the next session re-arms.
    if (event.type !== 'none') this.scheduleRead();
  };

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly logger: Logger,
    private readonly logSize = 200,
  ) {
    super();
    // A new session has no watches (the old one's ended with it); a resumed one has them back, but
    // changes made while disconnected fire no event, so both read again.
    client.on('connected', () => {
      this.armed = false;
      void this.armAndRead();
    });
    // A resumed session whose first arming was cut short by the disconnect arms now.
    client.on('reconnected', () => (this.armed ? this.scheduleRead() : void this.armAndRead()));
  }

  get ready(): boolean {
    return this.view !== undefined;
  }

  snapshot(): ClusterSnapshot {
    return {
      version: this.version,
      updatedAt: this.updatedAt,
      connection: this.client.state,
      view: this.view,
      log: [...this.log],
      lastError: this.lastError,
    };
  }

  /** Waits for the read in progress (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.reading) await this.reading;
  }

  close(): void {
    this.closed = true;
  }

  private async armAndRead(): Promise<void> {
    try {
      for (const { path, mode } of WATCHED) await this.client.addWatch(path, this.onWatchEvent, { mode });
      this.armed = true;
    } catch (error) {
      // Disconnected before the watches were set: 'connected' or 'reconnected' arms them.
      this.noteFailure(error, 'arming the watches');
      return;
    }
    this.scheduleRead();
  }

  private scheduleRead(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readUntilQuiet().finally(() => {
      this.reading = undefined;
    });
  }

  private async readUntilQuiet(): Promise<void> {
    do {
      this.readAgain = false;
      try {
        this.accept(await inspectKafkaCluster(this.client));
      } catch (error) {
        this.noteFailure(error, 'reading the cluster');
        return;
      }
    } while (this.readAgain && !this.closed);
  }

  private accept(view: KafkaClusterView): void {
    const changes = this.view ? diffClusterViews(this.view, view, this.lastController) : [];
    this.lastController = view.controller ?? this.lastController;
    const firstView = this.view === undefined;
    const same = !firstView && JSON.stringify(this.view) === JSON.stringify(view);
    this.lastError = undefined;
    if (same) return;
    const at = new Date().toISOString();
    for (const change of changes) {
      this.log.push({ ...change, sequence: this.nextSequence++, at });
      this.logger.info({ change: change.kind, subject: change.subject }, change.detail);
    }
    this.log.splice(0, Math.max(0, this.log.length - this.logSize));
    this.view = view;
    this.version++;
    this.updatedAt = at;
    this.emit('changed', this.snapshot());
  }

  private noteFailure(error: unknown, doing: string): void {
    this.lastError = `${doing}: ${(error as Error).message}`;
    // Connection loss is expected while ZooKeeper is away, and 'connected'/'reconnected' read again.
    if (isConnectionLossClass(error)) this.logger.debug({ err: error }, this.lastError);
    else this.logger.warn({ err: error }, this.lastError);
  }
}
