import { EventEmitter } from 'node:events';
import {
  MultiError,
  isConnectionLossClass,
  isZooKeeperError,
  op,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { ChildrenCache, NodeCache } from '@zk-cookbook/core/recipes/cache';
import { LeaderLatch } from '@zk-cookbook/core/recipes/leader';
import { GroupMember } from '@zk-cookbook/core/recipes/membership';
import type { Lease } from '@zk-cookbook/core/recipes';
import type { Logger } from 'pino';
import {
  EMPTY_ASSIGNMENT,
  collectorsOf,
  countMoves,
  decodeAssignment,
  ownersOf,
  type AssignmentDocument,
} from '../assignment/assignment.ts';
import type { AssignmentStrategy } from '../assignment/strategies.ts';
import {
  PATTERN_VERSION,
  ensureLayout,
  machineStatus,
  type ClusterLayout,
  type MachineStatus,
} from '../layout.ts';

export interface CoordinatorOptions {
  client: ZooKeeperClient;
  layout: ClusterLayout;
  id: string;
  strategy: AssignmentStrategy;
  url?: string;
  logger: Logger;
}

/** One thing the management view noticed, for the page and the API. */
export interface ClusterEvent {
  at: number;
  type: 'joined' | 'left' | 'rebalanced' | 'leader' | 'notLeader' | 'sourceAdded' | 'sourceRemoved';
  machine?: string;
  source?: string;
  detail?: string;
}

export interface Rebalance {
  generation: number;
  at: number;
  /** sources that changed hands */
  moves: number;
  collectors: string[];
  sources: number;
  strategy: string;
}

export interface Machine {
  id: string;
  status: MachineStatus | undefined;
}

export interface CoordinatorEvents {
  /** membership, sources, assignment or leadership changed: the view is worth re-reading */
  changed: [];
  event: [ClusterEvent];
  rebalanced: [Rebalance];
}

const EVENT_LIMIT = 200;

/**
 * The coordinator: every instance is the management view (machines live from the group, sources,
 * the assignment), and the one that leads (LeaderLatch) also decides the assignment.
 *
 * The leader rebalances whenever a collector joins or leaves or a source is added or removed, by
 * one transaction: check that its latch node still exists (it leads: every other participant's node
 * sorts after it) and set the assignment at the version it read. A deposed leader's write fails on
 * the check; a write that raced another fails on the version and is computed again from fresh data.
 * So the assignment only ever moves forward, one generation at a time, each from one leader.
 *
 * Connection policy: leadership ends at the first sign of trouble (the latch's "suspended" policy)
 * and rebalancing with it; the view stays up, possibly stale, and catches up on reconnect.
 */
export class Coordinator extends EventEmitter<CoordinatorEvents> {
  private readonly latch: LeaderLatch;
  private readonly member: GroupMember;
  private readonly sources: ChildrenCache;
  private readonly assignment: NodeCache;
  private readonly events: ClusterEvent[] = [];
  private readonly rebalances: Rebalance[] = [];
  private running: Promise<void> | undefined;
  private active = false;
  private runAgain = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private starting: Promise<void> | undefined;
  private readonly lifetime = new AbortController();

  constructor(private readonly options: CoordinatorOptions) {
    super();
    const { client, layout, id, logger } = options;
    this.latch = new LeaderLatch(client, layout.coordinator, { id });
    const status: MachineStatus = {
      role: 'coordinator',
      version: PATTERN_VERSION,
      ...(options.url && { url: options.url }),
      working: [],
      load: 0,
      startedAt: Date.now(),
    };
    this.member = new GroupMember(client, layout.machines, id, JSON.stringify(status));
    this.sources = new ChildrenCache(client, layout.sources);
    this.assignment = new NodeCache(client, layout.assignment);

    this.member.on('memberJoined', (machine) => this.membershipChanged('joined', machine));
    this.member.on('memberLeft', (machine) => this.membershipChanged('left', machine));
    // Status changes are frequent and mostly uninteresting (the book's "watch less" warning): they
    // refresh the view but are not worth an entry in the event log.
    this.member.on('memberChanged', () => this.emit('changed'));
    this.member.on('failure', (error) => logger.warn({ err: error }, 'membership view failure'));
    this.sources.on('created', (node) => this.sourcesChanged('sourceAdded', node.path));
    this.sources.on('deleted', (node) => this.sourcesChanged('sourceRemoved', node.path));
    this.sources.on('error', (error) => logger.warn({ err: error }, 'sources cache failure'));
    this.assignment.on('changed', () => this.emit('changed'));
    this.assignment.on('created', () => this.emit('changed'));
    this.assignment.on('error', (error) => logger.warn({ err: error }, 'assignment cache failure'));
    this.latch.on('isLeader', (lease) => {
      this.record({ type: 'leader', machine: id, detail: `fencing token ${lease.fencingToken}` });
      logger.info({ fencingToken: lease.fencingToken.toString() }, 'leading: deciding the assignment');
      this.schedule();
      this.emit('changed');
    });
    this.latch.on('notLeader', (reason) => {
      this.record({ type: 'notLeader', machine: id, detail: reason });
      logger.warn({ reason }, 'no longer leading');
      this.emit('changed');
    });
    this.latch.on('error', (error) => logger.warn({ err: error }, 'election trouble'));
  }

  get id(): string {
    return this.options.id;
  }

  get isLeader(): boolean {
    return this.latch.hasLeadership;
  }

  /** Reads the view, then joins the election. close() meanwhile ends the start (it rejects). */
  start(options: { timeoutMs?: number } = {}): Promise<void> {
    this.starting ??= this.startOnce(options.timeoutMs ?? 30_000);
    return this.starting;
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    const signal = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(timeoutMs)]);
    await this.options.client.waitForConnected({ signal });
    await ensureLayout(this.options.client, this.options.layout);
    await this.assignment.start({ signal });
    await this.sources.start({ signal });
    await this.member.start({ signal });
    if (this.closed) return;
    await this.latch.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort();
    await this.starting?.catch(() => {
      // Its failure is the starter's to report; closing only needs it settled.
    });
    clearTimeout(this.retryTimer);
    if (this.latch.state === 'started') await this.latch.close();
    await this.running;
    await Promise.allSettled([this.member.close(), this.sources.close(), this.assignment.close()]);
  }

  /** Every machine in the group with its status, sorted by id. */
  machines(): Machine[] {
    return [...this.member.currentMembers]
      .map(([id, data]) => ({ id, status: parseStatus(data) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The ids of the live collectors (members whose status says collector). */
  collectors(): string[] {
    return this.machines()
      .filter((machine) => machine.status?.role === 'collector')
      .map((machine) => machine.id);
  }

  sourceIds(): string[] {
    return [...this.sources.children().keys()].sort();
  }

  sourcePath(source: string): string | undefined {
    const node = this.sources.children().get(source);
    if (!node) return undefined;
    try {
      return (JSON.parse(node.data.toString('utf8')) as { path?: string }).path;
    } catch {
      return undefined;
    }
  }

  currentAssignment(): AssignmentDocument {
    const node = this.assignment.get();
    if (!node) return EMPTY_ASSIGNMENT;
    try {
      return decodeAssignment(node.data, node.path);
    } catch {
      return EMPTY_ASSIGNMENT;
    }
  }

  recentEvents(): ClusterEvent[] {
    return [...this.events];
  }

  recentRebalances(): Rebalance[] {
    return [...this.rebalances];
  }

  private membershipChanged(type: 'joined' | 'left', machine: string): void {
    this.record({ type, machine });
    this.schedule();
    this.emit('changed');
  }

  private sourcesChanged(type: 'sourceAdded' | 'sourceRemoved', path: string): void {
    this.record({ type, source: path.slice(this.options.layout.sources.length + 1) });
    this.schedule();
    this.emit('changed');
  }

  private record(event: Omit<ClusterEvent, 'at'>): void {
    const full = { at: Date.now(), ...event };
    this.events.push(full);
    if (this.events.length > EVENT_LIMIT) this.events.shift();
    this.emit('event', full);
  }

  /**
   * Runs a pass now, or once more after the one under way. `active` is cleared inside run() itself,
   * in the same synchronous step as its last look at runAgain, so a request made between the two
   * cannot be lost.
   */
  private schedule(): void {
    if (this.closed || !this.latch.hasLeadership) return;
    if (this.active) {
      this.runAgain = true;
      return;
    }
    this.active = true;
    this.running = this.run();
  }

  private async run(): Promise<void> {
    try {
      do {
        this.runAgain = false;
        const lease = this.latch.leadership;
        if (!lease || this.closed) return;
        try {
          await this.rebalance(lease);
        } catch (error) {
          // A leader that lost its connection lost its lease too; the next lease schedules a pass.
          if (this.closed || !lease.isHeld) return;
          const connectionTrouble = isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED');
          if (!connectionTrouble) this.options.logger.warn({ err: error }, 'rebalance failed; retrying');
          this.retryTimer = setTimeout(() => this.schedule(), connectionTrouble ? 200 : 500);
          return;
        }
      } while (this.runAgain && !this.closed);
    } finally {
      this.active = false;
    }
  }

  /** Computes the assignment for the live collectors and sources, and writes it if it differs. */
  private async rebalance(lease: Lease): Promise<void> {
    const { client, layout, strategy, id, logger } = this.options;
    const { data, stat } = await client.getData(layout.assignment);
    const current = decodeAssignment(data, layout.assignment);
    const collectors = this.collectors();
    const sources = this.sourceIds();
    const before = ownersOf(current);
    const after = strategy.assign(before, collectors, sources);
    const next: AssignmentDocument = {
      generation: current.generation + 1,
      coordinator: id,
      fencingToken: lease.fencingToken.toString(),
      strategy: strategy.name,
      collectors: collectorsOf(after, collectors),
    };
    if (JSON.stringify(next.collectors) === JSON.stringify(current.collectors)) return;
    if (!lease.isHeld) return;
    try {
      await client.multi([
        // Still leading: our latch node exists, so no other coordinator can lead.
        op.check(lease.path, -1),
        op.setData(layout.assignment, JSON.stringify(next), stat.version),
      ]);
    } catch (error) {
      if (error instanceof MultiError && error.failedIndex === 1 && error.code === 'BADVERSION') {
        // Another write landed since our read (a predecessor's last one): decide again on fresh data.
        this.runAgain = true;
        return;
      }
      if (error instanceof MultiError && error.failedIndex === 0) {
        logger.warn('the latch node is gone: leadership lost before the assignment was written');
        return;
      }
      throw error;
    }
    const rebalance: Rebalance = {
      generation: next.generation,
      at: Date.now(),
      moves: countMoves(before, after),
      collectors,
      sources: sources.length,
      strategy: strategy.name,
    };
    this.rebalances.push(rebalance);
    if (this.rebalances.length > EVENT_LIMIT) this.rebalances.shift();
    this.record({
      type: 'rebalanced',
      detail: `generation ${next.generation}: ${rebalance.moves} moved, ${collectors.length} collectors, ${sources.length} sources`,
    });
    logger.info(rebalance, 'assignment written');
    this.emit('rebalanced', rebalance);
  }
}

function parseStatus(data: Buffer): MachineStatus | undefined {
  try {
    const result = machineStatus.safeParse(JSON.parse(data.toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
