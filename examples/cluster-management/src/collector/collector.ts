import { EventEmitter } from 'node:events';
import {
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  type StateChange,
  type WatchedEvent,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { NodeCache } from '@zk-cookbook/core/recipes/cache';
import { GroupMember } from '@zk-cookbook/core/recipes/membership';
import type { Logger } from 'pino';
import { decodeAssignment, type AssignmentDocument } from '../assignment/assignment.ts';
import { PATTERN_VERSION, ensureLayout, type ClusterLayout, type MachineStatus } from '../layout.ts';
import { WorkLog } from './work-log.ts';

export interface CollectorOptions {
  client: ZooKeeperClient;
  layout: ClusterLayout;
  id: string;
  /** the URL its HTTP API answers at, published in its member node */
  url?: string;
  logger: Logger;
  /** how often the simulated collection runs and the status is refreshed; default 500 ms */
  tickMs?: number;
}

export interface CollectorEvents {
  /** the sources it works changed */
  working: [sources: string[]];
}

/** Simulated log lines each worked source yields per tick. */
const LINES_PER_TICK = 25;

/**
 * A log collector. It joins the machines group, watches the assignment node, and works exactly the
 * sources it holds a claim for — an ephemeral `claims/<source>` node of its own session:
 *
 * - assigned a source: create its claim; if another collector still holds it (the hand-over is not
 *   done yet), watch the claim and take it when it goes;
 * - a source assigned elsewhere: stop working it first, then delete the claim, so the next owner
 *   can only start after this one stopped;
 * - connection suspended: stop working everything at once — the servers may expire the session
 *   (and hand the claims to others) before this process hears about it; on "reconnected" within the
 *   same session it checks each claim is still its own and carries on;
 * - session lost: the claims went with it; it claims its assignment again on the new session.
 *
 * ZooKeeper guarantees at most one live session holds a claim; the rules above make the process's
 * own belief ("I work this source") never outlast its claim. The WorkLog is its report of both.
 */
export class Collector extends EventEmitter<CollectorEvents> {
  readonly workLog: WorkLog;
  private readonly member: GroupMember;
  private readonly assignment: NodeCache;
  /** source → czxid of the claim node this session holds */
  private readonly held = new Map<string, bigint>();
  private readonly lines = new Map<string, number>();
  private revalidate = false;
  private starting: Promise<void> | undefined;
  private readonly lifetime = new AbortController();
  private running: Promise<void> | undefined;
  private active = false;
  private runAgain = false;
  private state: 'latent' | 'started' | 'closed' = 'latent';
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private linesPerSecond = 0;
  private readonly onState = (change: StateChange): void => this.connectionChanged(change);
  private readonly claimWatcher = (event: WatchedEvent): void => {
    if (event.type === 'none') return;
    if (event.type === 'deleted') {
      const source = event.path.slice(this.options.layout.claims.length + 1);
      // Deleted while we held it: by an operator, or by the servers with our session. Stop now.
      if (this.held.has(source)) {
        this.workLog.finish(source, 'claimDeleted');
        this.held.delete(source);
        this.workingChanged();
      }
    }
    this.schedule();
  };

  constructor(private readonly options: CollectorOptions) {
    super();
    this.workLog = new WorkLog(options.id);
    this.member = new GroupMember(options.client, options.layout.machines, options.id, this.statusBytes());
    this.assignment = new NodeCache(options.client, options.layout.assignment);
    this.member.on('failure', (error) => options.logger.warn({ err: error }, 'membership failure'));
    this.assignment.on('error', (error) => options.logger.warn({ err: error }, 'assignment cache failure'));
    for (const event of ['initialized', 'created', 'changed', 'deleted', 'resynced'] as const)
      this.assignment.on(event, () => this.schedule());
  }

  get id(): string {
    return this.options.id;
  }

  /**
   * Joins the group and starts following the assignment; resolves once both are read. close()
   * meanwhile ends the start (it rejects) and leaves nothing running.
   */
  start(options: { timeoutMs?: number } = {}): Promise<void> {
    this.starting ??= this.startOnce(options.timeoutMs ?? 30_000);
    return this.starting;
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    const signal = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(timeoutMs)]);
    this.state = 'started';
    this.options.client.on('state', this.onState);
    await this.options.client.waitForConnected({ signal });
    await ensureLayout(this.options.client, this.options.layout);
    await this.assignment.start({ signal });
    await this.member.start({ signal });
    if (this.state !== 'started') return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 500);
    this.schedule();
  }

  /** The sources the current assignment gives this collector. */
  get assigned(): string[] {
    return [...(this.currentAssignment()?.collectors[this.options.id] ?? [])].sort();
  }

  get generation(): number {
    return this.currentAssignment()?.generation ?? 0;
  }

  get working(): string[] {
    return this.workLog.working;
  }

  /** Lines collected per source since start (the simulated work). */
  get collected(): Record<string, number> {
    return Object.fromEntries(this.lines);
  }

  /** Stops working, leaves the group; the caller closes the session, which drops the claims. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.lifetime.abort();
    await this.starting?.catch(() => {
      // Its failure is the starter's to report; closing only needs it settled.
    });
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.options.client.off('state', this.onState);
    this.stopAll('closed');
    await this.running;
    await Promise.allSettled([this.member.close(), this.assignment.close()]);
  }

  private currentAssignment(): AssignmentDocument | undefined {
    const node = this.assignment.get();
    if (!node) return undefined;
    try {
      return decodeAssignment(node.data, node.path);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'unreadable assignment; keeping the claims held');
      return undefined;
    }
  }

  private connectionChanged(change: StateChange): void {
    switch (change.event) {
      case 'suspended':
      case 'readOnly':
        this.stopAll(change.event);
        this.revalidate = true;
        break;
      case 'lost':
        this.stopAll('lost');
        this.held.clear();
        break;
      case 'reconnected':
      case 'connected':
        this.revalidate = true;
        this.schedule();
        break;
      case 'closed':
      case 'authFailed':
        this.stopAll(change.event);
        break;
    }
  }

  private stopAll(reason: string): void {
    const before = this.workLog.working.length;
    for (const source of this.workLog.working) this.workLog.finish(source, reason);
    if (before > 0) this.workingChanged();
  }

  /**
   * Runs a pass now, or once more after the one under way. `active` is cleared inside run() itself,
   * in the same synchronous step as its last look at runAgain, so a request made between the two
   * cannot be lost.
   */
  private schedule(): void {
    if (this.state !== 'started') return;
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
        try {
          await this.reconcile();
        } catch (error) {
          if (this.state !== 'started') return;
          const connectionTrouble = isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED');
          // Connection trouble: the state change that ends it asks for the next pass (maybe already,
          // which the loop's condition sees). Anything else, or a timeout while still connected,
          // is tried again shortly.
          if (connectionTrouble && this.options.client.state !== 'connected') continue;
          if (!connectionTrouble) this.options.logger.warn({ err: error }, 'reconciling failed; retrying');
          this.retryTimer = setTimeout(() => this.schedule(), connectionTrouble ? 200 : 1_000);
          return;
        }
      } while (this.runAgain && this.state === 'started');
    } finally {
      this.active = false;
    }
  }

  /** One pass: check the claims held, release what is no longer ours, claim what is, work what we hold. */
  private async reconcile(): Promise<void> {
    const client = this.options.client;
    if (client.state !== 'connected') return;
    const session = client.sessionId;
    const assignment = this.currentAssignment();
    if (!assignment) return;
    const assigned = new Set(assignment.collectors[this.options.id] ?? []);

    if (this.revalidate) {
      this.revalidate = false;
      for (const source of [...this.held.keys()]) {
        const stat = await client.exists(this.claimPath(source), { watch: this.claimWatcher });
        if (stat?.ephemeralOwner !== session) {
          this.workLog.finish(source, 'claimLost');
          this.held.delete(source);
        }
      }
    }
    for (const source of [...this.held.keys()]) {
      if (assigned.has(source)) continue;
      this.workLog.finish(source, 'released');
      this.workingChanged();
      await this.deleteOwnClaim(source);
      this.held.delete(source);
      this.lines.delete(source);
    }
    for (const source of [...assigned].sort()) {
      if (this.held.has(source)) continue;
      await this.claim(source);
    }
    // Work only what this session holds, and only while connected (checked just now, synchronously).
    if (client.state !== 'connected' || client.sessionId !== session) return;
    let changed = false;
    for (const [source, claimZxid] of this.held) {
      if (this.workLog.isWorking(source)) continue;
      this.workLog.begin(source, claimZxid);
      changed = true;
    }
    if (changed) this.workingChanged();
  }

  private async claim(source: string): Promise<void> {
    const client = this.options.client;
    const path = this.claimPath(source);
    try {
      await client.create(path, this.options.id, { mode: 'ephemeral' });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
    // Ours only if the servers say our session owns it (a create retried after a connection loss,
    // or a claim still held by the previous owner, look the same from here).
    const stat = await client.exists(path, { watch: this.claimWatcher });
    if (!stat) {
      this.runAgain = true;
      return;
    }
    if (stat.ephemeralOwner === client.sessionId) this.held.set(source, stat.czxid);
  }

  private async deleteOwnClaim(source: string): Promise<void> {
    const client = this.options.client;
    const path = this.claimPath(source);
    const stat = await client.exists(path);
    if (!stat || stat.ephemeralOwner !== client.sessionId) return;
    try {
      await client.delete(path, { version: stat.version });
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }

  private claimPath(source: string): string {
    return joinPath(this.options.layout.claims, source);
  }

  private tick(): void {
    let total = 0;
    for (const source of this.workLog.working) {
      this.lines.set(source, (this.lines.get(source) ?? 0) + LINES_PER_TICK);
      total += LINES_PER_TICK;
    }
    this.linesPerSecond = Math.round((total * 1000) / (this.options.tickMs ?? 500));
    void this.publishStatus();
  }

  private workingChanged(): void {
    this.emit('working', this.workLog.working);
    void this.publishStatus();
  }

  private lastPublished = '';

  /** Status reporting: the member node carries what this collector works and its load. */
  private async publishStatus(): Promise<void> {
    if (this.state !== 'started') return;
    const bytes = this.statusBytes();
    if (bytes.toString() === this.lastPublished) return;
    this.lastPublished = bytes.toString();
    try {
      await this.member.setPayload(bytes);
    } catch (error) {
      // The member node is re-created with the newest payload once the connection is back.
      this.options.logger.debug({ err: error }, 'status not published now');
      this.lastPublished = '';
    }
  }

  private statusBytes(): Buffer {
    const status: MachineStatus = {
      role: 'collector',
      version: PATTERN_VERSION,
      ...(this.options.url && { url: this.options.url }),
      working: this.workLog.working,
      load: this.linesPerSecond,
      startedAt: this.startedAt,
    };
    return Buffer.from(JSON.stringify(status));
  }
}
