import { EventEmitter } from 'node:events';
import { isZooKeeperError, joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { NodeCache } from '@zk-cookbook/core/recipes/cache';
import { GroupMembersView } from '@zk-cookbook/core/recipes/membership';
import type { Logger } from 'pino';
import { decodeHeartbeat, departureSchema, type Heartbeat } from '../heartbeat/heartbeat.ts';
import type { CoordinationLayout, TaskLayout } from '../layout.ts';
import { decodeCheckpoint, type Checkpoint } from '../task/checkpoint.ts';

/**
 * - alive: its node is there and it beats
 * - late: its node is there but no beat for lateAfterMs — crashed or hung, its session not yet expired
 * - dead: its node vanished without a farewell — its session ended (a crash, a partition)
 * - left: its node vanished after it recorded its departure — a graceful shutdown
 */
export type Liveness = 'alive' | 'late' | 'dead' | 'left';

export interface WorkerState {
  readonly instanceId: string;
  readonly liveness: Liveness;
  /** the last heartbeat received (undefined if its payload could not be read) */
  readonly heartbeat: Heartbeat | undefined;
  /** the monitor's clock (ms) when that heartbeat arrived: beats are timed here, not by the worker */
  readonly lastBeatAt: number;
  /** when the monitor first judged it late, and when dead/left (ms, monitor clock) */
  readonly lateAt: number | undefined;
  readonly goneAt: number | undefined;
}

export interface TaskView {
  readonly total: number;
  readonly checkpoint: Checkpoint | undefined;
  /** the checkpoint node's version: one per commit */
  readonly version: number | undefined;
}

export interface WorkerBoardEvents {
  worker: [WorkerState];
  forgotten: [instanceId: string];
  task: [TaskView];
  /** the monitor's own session changed state: whatever it shows may be stale, or current again */
  connection: [connected: boolean];
}

export interface WorkerBoardOptions {
  /** the input's size, for progress */
  total: number;
  /** no beat for this long → late; default 3 × 500 ms */
  lateAfterMs?: number;
  /** how long a dead or departed worker stays on the board; default 60 s */
  forgetAfterMs?: number;
  logger: Logger;
}

/**
 * The monitor's picture of the workers and the task: a GroupMembersView on the workers' group (their
 * nodes and heartbeat payloads) and a NodeCache on the task's checkpoint, both fed by watches. A
 * timer turns missing beats into `late`; a vanished node is `dead`, or `left` if the worker recorded
 * its departure first.
 *
 * Connection policy: while the monitor itself is disconnected no beats arrive, so it would judge
 * every worker late — the board says so instead (`connected` false) and judges nobody until it is
 * back; on reconnection every worker's beat clock restarts. After a session expiry the view reads
 * the group afresh and reports the differences.
 */
export class WorkerBoard extends EventEmitter<WorkerBoardEvents> {
  private readonly view: GroupMembersView;
  private readonly checkpoint: NodeCache;
  private readonly workers = new Map<string, WorkerState>();
  private readonly lateAfterMs: number;
  private readonly forgetAfterMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly layout: CoordinationLayout,
    taskLayout: TaskLayout,
    private readonly options: WorkerBoardOptions,
  ) {
    super();
    this.lateAfterMs = options.lateAfterMs ?? 1_500;
    this.forgetAfterMs = options.forgetAfterMs ?? 60_000;
    this.view = new GroupMembersView(client, layout.workers);
    this.view.on('memberJoined', (id, data) => this.beat(id, data));
    this.view.on('memberChanged', (id, data) => this.beat(id, data));
    this.view.on('memberLeft', (id) => this.gone(id));
    this.view.on('failure', (error) => options.logger.warn({ err: error }, 'workers group not readable'));
    this.checkpoint = new NodeCache(client, taskLayout.checkpoint);
    const onCheckpoint = (): void => void this.emit('task', this.task());
    this.checkpoint.on('created', onCheckpoint);
    this.checkpoint.on('changed', onCheckpoint);
    this.checkpoint.on('deleted', onCheckpoint);
    this.checkpoint.on('error', (error) => options.logger.warn({ err: error }, 'checkpoint not readable'));
    this.client.on('reconnected', this.restartBeatClocks);
    this.client.on('connected', this.restartBeatClocks);
    this.client.on('state', this.onState);
  }

  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    await Promise.all([this.view.start(options), this.checkpoint.start(options)]);
    this.emit('task', this.task());
    this.timer = setInterval(() => this.judge(), 100);
  }

  get isInitialized(): boolean {
    return this.checkpoint.isInitialized;
  }

  /** Whether the board is current: only while the monitor's own session is connected. */
  get connected(): boolean {
    return this.client.state === 'connected';
  }

  list(): WorkerState[] {
    return [...this.workers.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  get(instanceId: string): WorkerState | undefined {
    return this.workers.get(instanceId);
  }

  task(): TaskView {
    const node = this.checkpoint.get();
    if (!node) return { total: this.options.total, checkpoint: undefined, version: undefined };
    try {
      return {
        total: this.options.total,
        checkpoint: decodeCheckpoint(node.data, node.path),
        version: node.stat.version,
      };
    } catch {
      return { total: this.options.total, checkpoint: undefined, version: node.stat.version };
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.client.off('reconnected', this.restartBeatClocks);
    this.client.off('connected', this.restartBeatClocks);
    this.client.off('state', this.onState);
    await Promise.all([this.view.close(), this.checkpoint.close()]);
  }

  private beat(instanceId: string, data: Buffer): void {
    this.update({
      instanceId,
      liveness: 'alive',
      heartbeat: decodeHeartbeat(data),
      lastBeatAt: Date.now(),
      lateAt: undefined,
      goneAt: undefined,
    });
  }

  private gone(instanceId: string): void {
    const before = this.workers.get(instanceId);
    const goneAt = Date.now();
    void this.departed(instanceId, before?.heartbeat?.incarnation).then((departed) => {
      // A beat of a new life may have arrived while we looked: that is the current state then.
      if (this.workers.get(instanceId) !== before) return;
      this.update({
        instanceId,
        liveness: departed ? 'left' : 'dead',
        heartbeat: before?.heartbeat,
        lastBeatAt: before?.lastBeatAt ?? goneAt,
        lateAt: before?.lateAt,
        goneAt,
      });
      if (!departed)
        this.options.logger.warn(
          { instanceId, silentForMs: goneAt - (before?.lastBeatAt ?? goneAt) },
          'worker dead: its session ended',
        );
    });
  }

  /** Whether this life of the worker recorded its departure before its node went. */
  private async departed(instanceId: string, incarnation: string | undefined): Promise<boolean> {
    if (incarnation === undefined) return false;
    try {
      const { data } = await this.client.getData(joinPath(this.layout.departures, instanceId));
      const departure = departureSchema.safeParse(JSON.parse(data.toString('utf8')));
      return departure.success && departure.data.incarnation === incarnation;
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE'))
        this.options.logger.debug({ err: error, instanceId }, 'departure not readable: counted as a death');
      return false;
    }
  }

  private judge(): void {
    const now = Date.now();
    for (const state of this.workers.values()) {
      if (state.goneAt !== undefined) {
        if (now - state.goneAt > this.forgetAfterMs) {
          this.workers.delete(state.instanceId);
          this.emit('forgotten', state.instanceId);
        }
        continue;
      }
      if (state.liveness === 'alive' && this.connected && now - state.lastBeatAt > this.lateAfterMs) {
        this.options.logger.warn(
          { instanceId: state.instanceId, silentForMs: now - state.lastBeatAt },
          'worker late',
        );
        this.update({ ...state, liveness: 'late', lateAt: now });
      }
    }
  }

  private readonly restartBeatClocks = (): void => {
    const now = Date.now();
    for (const state of this.workers.values())
      if (state.goneAt === undefined) this.workers.set(state.instanceId, { ...state, lastBeatAt: now });
  };

  private readonly onState = (): void => {
    this.emit('connection', this.connected);
  };

  private update(state: WorkerState): void {
    this.workers.set(state.instanceId, state);
    this.emit('worker', state);
  }
}
