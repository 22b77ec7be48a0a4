import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { GroupMember } from '@zk-cookbook/core/recipes/membership';
import type { Logger } from 'pino';
import type { Heartbeat } from './heartbeat.ts';

export interface WorkerHeartbeatOptions {
  instanceId: string;
  /** how often to beat; default 500 ms */
  intervalMs?: number;
  /** the current report: called at every beat */
  report: () => Omit<Heartbeat, 'beat' | 'sentAt' | 'instanceId'>;
  logger: Logger;
}

/**
 * A worker's presence and pulse in `<root>/workers/<instance id>`: a GroupMember (an ephemeral node,
 * re-created after a session expiry) whose payload is rewritten every beat with the worker's role
 * and progress. Two signals for a monitor, on two time scales:
 * - the node vanishes when the session ends — a crashed worker is *certainly* gone, but only after
 *   the session timeout;
 * - the beats stop at once when the worker crashes or hangs — a *suspicion* after a few missed
 *   beats, well within the session timeout, and the only sign of a worker that is stuck while its
 *   session lives (a process paused for less than the timeout, a deadlocked loop — not here, since
 *   the beat runs on the same event loop as the work).
 *
 * Beats are writes: at 500 ms, three workers add six writes per second to the ensemble. A beat
 * that fails (disconnected) is skipped, not queued: the next one says everything again.
 */
export class WorkerHeartbeat {
  private readonly member: GroupMember;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private beat = 0;
  private beating = false;

  constructor(
    client: ZooKeeperClient,
    groupPath: string,
    private readonly options: WorkerHeartbeatOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 500;
    this.member = new GroupMember(client, groupPath, options.instanceId, this.payload());
    this.member.on('failure', (error) => options.logger.warn({ err: error }, 'heartbeat node not written'));
    this.member.on('membershipLost', () =>
      options.logger.warn('heartbeat node gone with the session; re-creating'),
    );
  }

  get isMember(): boolean {
    return this.member.isMember;
  }

  /** Joins the group (resolves once the node exists) and starts beating. */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.member.start(options);
    this.timer = setInterval(() => void this.beatNow(), this.intervalMs);
  }

  /** Beats now, e.g. when the role changed, rather than at the next tick. */
  async beatNow(override: Partial<Heartbeat> = {}): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.member.setPayload(this.payload(override));
    } catch (error) {
      this.options.logger.debug({ err: error }, 'heartbeat skipped');
    } finally {
      this.beating = false;
    }
  }

  /** Says STOPPED (so a monitor tells a shutdown from a crash), then leaves the group. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.member.isMember) {
      this.beating = false;
      await this.beatNow({ state: 'STOPPED' });
    }
    await this.member.close();
  }

  private payload(override: Partial<Heartbeat> = {}): string {
    const heartbeat: Heartbeat = {
      ...this.options.report(),
      instanceId: this.options.instanceId,
      beat: this.beat++,
      sentAt: Date.now(),
      ...override,
    };
    return JSON.stringify(heartbeat);
  }
}
