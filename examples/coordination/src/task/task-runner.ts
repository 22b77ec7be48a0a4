import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionLossClass, isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { LeaderLatch } from '@zk-cookbook/core/recipes/leader';
import type { Logger } from 'pino';
import { CoordinationError } from '../errors.ts';
import type { InputRecord } from '../input-log.ts';
import type { TaskLayout } from '../layout.ts';
import { compareTokens, readCheckpoint, type VersionedCheckpoint } from './checkpoint.ts';
import { commitBatch } from './fenced-commit.ts';

/** RUNNING: this instance leads and applies records. STANDBY: it waits in line to take over. */
export type TaskRole = 'RUNNING' | 'STANDBY';

export interface TaskRunnerOptions {
  instanceId: string;
  /** records per transaction (checkpoint every N records); default 1 */
  batchSize?: number;
  /** pace for demos, so that a reader can watch and kill; 0 (default) applies as fast as it can */
  recordsPerSecond?: number;
  logger: Logger;
}

export interface TaskProgress {
  readonly role: TaskRole;
  /** the fencing token of the current term while RUNNING */
  readonly token: string | undefined;
  /** the last checkpoint this instance read or wrote */
  readonly checkpoint: VersionedCheckpoint | undefined;
  readonly total: number;
  /** records this instance committed since it started, over all its terms */
  readonly appliedByUs: number;
  /** commits refused because the checkpoint had moved on (see commitBatch) */
  readonly fencedCommits: number;
  /** terms this instance has led */
  readonly terms: number;
}

export interface TaskRunnerEvents {
  role: [role: TaskRole, token: string | undefined];
  committed: [checkpoint: VersionedCheckpoint, records: number];
  fenced: [error: CoordinationError];
  /** every record of the input is in the output */
  caughtUp: [checkpoint: VersionedCheckpoint];
}

const ERROR_BACKOFF_MS = 1_000;

/**
 * One logical task, many instances: every instance joins a LeaderLatch on the task; the leader is
 * RUNNING — it reads the checkpoint and applies the input log from there, one fenced transaction per
 * batch (commitBatch) — and the others are STANDBY. When the leader dies (kill -9: its session
 * expires and its latch node goes) or stops answering (SIGSTOP past the session timeout: the same),
 * the next in line becomes leader and carries on from the checkpoint.
 *
 * Connection policy: the latch's default — leadership ends at the first sign of trouble
 * (`suspended`), because while disconnected this instance cannot know whether a successor already
 * runs. Work stops at once (the lease's signal aborts every call). If the session survives, the
 * latch leads again with the same token and the term restarts by re-reading the checkpoint, which
 * also settles a commit whose reply was lost. Nothing relies on the signal alone for safety: a
 * request already on its way is fenced by the checkpoint's version.
 */
export class TaskRunner extends EventEmitter<TaskRunnerEvents> {
  private readonly latch: LeaderLatch;
  private readonly batchSize: number;
  private readonly recordsPerSecond: number;
  private roleValue: TaskRole = 'STANDBY';
  private token: string | undefined;
  private checkpoint: VersionedCheckpoint | undefined;
  private appliedByUs = 0;
  private fencedCommits = 0;
  private terms = 0;
  /** terms run one after another: a new one starts only after the last has stopped writing */
  private term: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly layout: TaskLayout,
    private readonly records: readonly InputRecord[],
    private readonly options: TaskRunnerOptions,
  ) {
    super();
    this.batchSize = options.batchSize ?? 1;
    this.recordsPerSecond = options.recordsPerSecond ?? 0;
    this.latch = new LeaderLatch(client, layout.leader, { id: options.instanceId });
    this.latch.on('isLeader', (lease) => {
      this.term = this.term.then(() =>
        this.runTerm(lease.fencingToken.toString(), lease.signal, () => lease.release()),
      );
    });
    this.latch.on('error', (error) =>
      this.options.logger.warn({ err: error }, 'leader latch: a call failed'),
    );
  }

  /** Joins the line; resolves once this instance's latch node exists. */
  start(): Promise<void> {
    return this.latch.start();
  }

  get role(): TaskRole {
    return this.roleValue;
  }

  get progress(): TaskProgress {
    return {
      role: this.roleValue,
      token: this.token,
      checkpoint: this.checkpoint,
      total: this.records.length,
      appliedByUs: this.appliedByUs,
      fencedCommits: this.fencedCommits,
      terms: this.terms,
    };
  }

  /** Stops applying, then leaves the line (the latch ends leadership before deleting its node). */
  async close(): Promise<void> {
    await this.latch.close();
    await this.term;
  }

  private setRole(role: TaskRole, token: string | undefined): void {
    this.roleValue = role;
    this.token = token;
    this.emit('role', role, token);
  }

  private async runTerm(token: string, signal: AbortSignal, stepDown: () => Promise<void>): Promise<void> {
    if (signal.aborted) return;
    const logger = this.options.logger;
    this.terms++;
    this.setRole('RUNNING', token);
    logger.info({ token }, 'RUNNING: leader of the task, applying from the checkpoint');
    try {
      let from = await readCheckpoint(this.client, this.layout, { signal });
      this.checkpoint = from;
      while (!signal.aborted) {
        if (from.checkpoint.offset >= this.records.length) {
          this.emit('caughtUp', from);
          // Stay leader while idle: a standby taking over would find nothing to do either.
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          break;
        }
        const batch = this.records.slice(from.checkpoint.offset, from.checkpoint.offset + this.batchSize);
        if (this.recordsPerSecond > 0)
          await sleep((1000 * batch.length) / this.recordsPerSecond, undefined, { signal });
        try {
          from = await commitBatch(
            this.client,
            this.layout,
            { from, records: batch, token, instanceId: this.options.instanceId },
            { signal },
          );
          this.checkpoint = from;
          this.appliedByUs += batch.length;
          this.emit('committed', from, batch.length);
        } catch (error) {
          if (signal.aborted) break;
          if (error instanceof CoordinationError && error.code === 'FENCED') {
            this.fencedCommits++;
            this.emit('fenced', error);
            logger.warn({ err: error }, 'commit fenced off: re-reading the checkpoint');
          } else if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) {
            throw error;
          }
          // Whatever happened to the batch, the checkpoint says whether it committed.
          from = await readCheckpoint(this.client, this.layout, { signal });
          this.checkpoint = from;
          if (compareTokens(from.checkpoint.token, token) > 0) {
            logger.warn(
              { token, newer: from.checkpoint.token },
              'a newer leader has committed: stepping down',
            );
            await stepDown();
            break;
          }
        }
      }
    } catch (error) {
      if (!signal.aborted) {
        // Not a fault the loop understands (a corrupt checkpoint, NOAUTH): let another instance try
        // rather than hold the task without running it.
        logger.error({ err: error }, 'task term failed: stepping down');
        await sleep(ERROR_BACKOFF_MS);
        await stepDown().catch((stepDownError: unknown) =>
          logger.warn({ err: stepDownError }, 'could not step down; leadership ends with the session'),
        );
      }
    } finally {
      this.setRole('STANDBY', undefined);
      logger.info({ token, reason: signal.aborted ? 'leadership ended' : 'stepped down' }, 'STANDBY');
    }
  }
}
