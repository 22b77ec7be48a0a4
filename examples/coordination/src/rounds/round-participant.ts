import { setTimeout as sleep } from 'node:timers/promises';
import {
  ensurePath,
  isZooKeeperError,
  joinPath,
  nodeName,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { DistributedBarrier, DistributedDoubleBarrier } from '@zk-cookbook/core/recipes/barrier';
import { ChildrenCache, type CachedNode } from '@zk-cookbook/core/recipes/cache';
import type { Logger } from 'pino';
import { roundPaths, roundSchema, type RoundReport } from './round.ts';

const WAIT_LIMIT_MS = 120_000;

/**
 * A worker's part in the barrier demo: it watches `<root>/rounds` and joins every round created
 * after it started — waits at the gate (DistributedBarrier) until the monitor lowers it, enters the
 * double barrier (returns once memberQty members are in), works for a while, leaves (returns once
 * everyone is out) and reports its times in `reports/<instance id>`.
 *
 * Connection policy: the barriers' own — a waiter keeps waiting through a disconnection and, after a
 * session expiry, re-enters with a new member node. A worker that gives up (2 minutes) deletes its
 * member node so it does not count for the others.
 */
export class RoundParticipant {
  private readonly rounds: ChildrenCache;
  private readonly closing = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private ready = false;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly roundsPath: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    this.rounds = new ChildrenCache(client, roundsPath);
    // Rounds that exist when we start are history (or started without us): join only new ones.
    this.rounds.on('created', (node) => {
      if (this.ready) this.join(node);
    });
    this.rounds.on('error', (error) => logger.warn({ err: error }, 'rounds not readable'));
  }

  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.rounds.start(options);
    this.ready = true;
  }

  /** Abandons the rounds in progress (deleting our member nodes) and stops watching. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.rounds.close();
    await Promise.allSettled(this.running);
  }

  private join(node: CachedNode): void {
    const roundId = nodeName(node.path);
    const run = this.take(roundId, node.data).catch((error: unknown) => {
      if (!this.closing.signal.aborted) this.logger.warn({ err: error, roundId }, 'round abandoned');
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async take(roundId: string, data: Buffer): Promise<void> {
    const round = roundSchema.parse(JSON.parse(data.toString('utf8')));
    const paths = roundPaths(this.roundsPath, roundId);
    const signal = this.closing.signal;
    const wait = { timeoutMs: WAIT_LIMIT_MS, signal };
    await new DistributedBarrier(this.client, paths.gate).waitOnBarrier(wait);
    const gatePassedAt = Date.now();
    const together = new DistributedDoubleBarrier(this.client, paths.together, round.memberQty, {
      data: this.instanceId,
    });
    const arrivedAt = Date.now();
    await together.enter(wait);
    const enteredAt = Date.now();
    this.logger.info({ roundId, waitedMs: enteredAt - arrivedAt }, 'round: everyone is in, working');
    await sleep(Math.round(round.workMs * (0.5 + Math.random())), undefined, { signal });
    const workEndedAt = Date.now();
    await together.leave(wait);
    const leftAt = Date.now();
    const report: RoundReport = {
      instanceId: this.instanceId,
      gatePassedAt,
      arrivedAt,
      enteredAt,
      workEndedAt,
      leftAt,
    };
    await ensurePath(this.client, paths.reports, { parentMode: 'persistent', signal });
    try {
      await this.client.create(joinPath(paths.reports, this.instanceId), JSON.stringify(report), { signal });
    } catch (error) {
      // A repeat after a lost reply finds its own report there.
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
    this.logger.info({ roundId, waitedToLeaveMs: leftAt - workEndedAt }, 'round: everyone is out');
  }
}
