import { randomUUID } from 'node:crypto';
import { ensurePath, isZooKeeperError, joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { GroupMember } from '@zk-cookbook/core/recipes/membership';
import type { Logger } from 'pino';
import type { CoordinationLayout } from '../layout.ts';
import type { Departure, Heartbeat } from './heartbeat.ts';

export interface WorkerHeartbeatOptions {
  instanceId: string;
  /** how often to beat; default 500 ms */
  intervalMs?: number;
  /** the current report: called at every beat */
  report: () => Omit<Heartbeat, 'beat' | 'sentAt' | 'instanceId' | 'incarnation'>;
  logger: Logger;
}

/**
 * A worker's presence and pulse in `<root>/workers/<instance id>`: a GroupMember (an ephemeral node,
 * re-created after a session expiry) whose payload is rewritten every beat with the worker's role
 * and progress. Two signals for a monitor, on two time scales:
 * - the beats stop at once when the worker crashes or hangs — a *suspicion* after a few missed
 *   beats, well within the session timeout, and the only sign of a worker that is stuck while its
 *   session lives;
 * - the node vanishes when the session ends — the worker is *certainly* gone (its leadership too),
 *   but only after the session timeout.
 * A graceful shutdown first writes `<root>/departures/<instance id>` naming this incarnation, so
 * that the monitor does not mistake it for a death. (A last "STOPPED" beat would not do: a watcher
 * that reads after the deletion never sees the beat before it.)
 *
 * Beats are writes: at 500 ms, three workers add six writes per second to the ensemble, and since a
 * GroupMember also follows its group, every member reads every other member's beat. Fine for a
 * handful of workers; with hundreds, beat through a PersistentNode (presence without the view) and
 * leave the watching to the monitor. A beat that fails (disconnected) is skipped, not queued: the
 * next one says everything again.
 */
export class WorkerHeartbeat {
  private readonly member: GroupMember;
  private readonly intervalMs: number;
  private readonly incarnation = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private beat = 0;
  private beating = false;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly layout: CoordinationLayout,
    private readonly options: WorkerHeartbeatOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 500;
    this.member = new GroupMember(client, layout.workers, options.instanceId, this.payload());
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
  async beatNow(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.member.setPayload(this.payload());
    } catch (error) {
      this.options.logger.debug({ err: error }, 'heartbeat skipped');
    } finally {
      this.beating = false;
    }
  }

  /** Records the departure (if ZooKeeper can be told), then leaves the group. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.member.isMember) {
      const departure: Departure = { incarnation: this.incarnation, at: Date.now() };
      const path = joinPath(this.layout.departures, this.options.instanceId);
      try {
        await ensurePath(this.client, this.layout.departures, { parentMode: 'persistent', timeoutMs: 2_000 });
        await this.client
          .setData(path, JSON.stringify(departure), { timeoutMs: 2_000 })
          .catch(async (error: unknown) => {
            if (!isZooKeeperError(error, 'NONODE')) throw error;
            await this.client.create(path, JSON.stringify(departure), { timeoutMs: 2_000 });
          });
      } catch (error) {
        this.options.logger.warn(
          { err: error },
          'departure not recorded: the monitor will call this a death',
        );
      }
    }
    await this.member.close();
  }

  private payload(): string {
    const heartbeat: Heartbeat = {
      ...this.options.report(),
      instanceId: this.options.instanceId,
      incarnation: this.incarnation,
      beat: this.beat++,
      sentAt: Date.now(),
    };
    return JSON.stringify(heartbeat);
  }
}
