import type { ZooKeeperClient } from '../../client/index.ts';
import { ensurePath, isZooKeeperError, parentPath, validatePath } from '../../client/index.ts';
import { retryIdempotent } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { localAddress } from '../core/local-address.ts';
import { waitForNodeChange } from '../core/node-change.ts';

const RECIPE = 'DistributedBarrier';

/**
 * A barrier that holds everyone back while its node exists — Curator's DistributedBarrier on the
 * same path: the barrier is up while `path` exists (a persistent node holding the setter's host
 * address, parents created as containers).
 *
 * ```ts
 * const barrier = new DistributedBarrier(client, '/deploy/freeze');
 * await barrier.setBarrier();                              // coordinator: hold everyone
 * await barrier.waitOnBarrier({ timeoutMs: 60_000 });      // workers: wait until it is removed
 * await barrier.removeBarrier();                           // coordinator: let them go
 * ```
 *
 * Waiters watch the node with getData rather than Curator's exists, so no watch is left behind on a
 * missing node (CURATOR-107); all waiters watch the one node, which is the point: one removal
 * releases them all.
 *
 * Connection policy: nothing is owned, so nothing is given up. A waiter keeps waiting while
 * suspended (its watch is re-registered on reconnect, and the server reports a removal that
 * happened meanwhile); after "lost" it reads the node again on the new session. The barrier node is
 * persistent: it outlives the session of whoever set it.
 */
export class DistributedBarrier {
  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
  ) {
    validatePath(path, { operation: RECIPE });
  }

  /** Raises the barrier (creates the node); already raised is fine. */
  async setBarrier(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    // Creating a fixed path is safe to repeat after a lost reply: the repeat sees NODEEXISTS.
    const create = async (): Promise<void> => {
      try {
        await this.client.create(this.path, localAddress());
      } catch (error) {
        if (isZooKeeperError(error, 'NODEEXISTS')) return;
        if (!isZooKeeperError(error, 'NONODE')) throw error;
        await ensurePath(this.client, parentPath(this.path), { mode: 'container' });
        await create();
      }
    };
    await this.withDeadline(deadline, () => retryIdempotent(this.client, create, deadline.signal));
  }

  /** Lowers the barrier (deletes the node), releasing every waiter; already lowered is fine. */
  async removeBarrier(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    const remove = async (): Promise<void> => {
      try {
        await this.client.delete(this.path);
      } catch (error) {
        if (!isZooKeeperError(error, 'NONODE')) throw error;
      }
    };
    await this.withDeadline(deadline, () => retryIdempotent(this.client, remove, deadline.signal));
  }

  /** Whether the barrier is up right now. */
  async isSet(): Promise<boolean> {
    return (await this.client.exists(this.path)) !== null;
  }

  /**
   * Resolves once the barrier is down (at once if it is not up). Rejects with RecipeError TIMEOUT
   * or ABORTED when the deadline passes first; timeoutMs 0 only checks.
   */
  async waitOnBarrier(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    if (options.timeoutMs === 0) {
      if (await this.isSet()) throw new RecipeError('TIMEOUT', RECIPE, this.path, 'the barrier is up');
      return;
    }
    await this.withDeadline(deadline, async () => {
      // "changed" (data changed, or deleted) and "recheck" (session ended) both mean: look again.
      while ((await waitForNodeChange(this.client, this.path, deadline.signal)) !== 'gone') {
        deadline.throwIfDone();
      }
    });
  }

  private async withDeadline<T>(deadline: Deadline, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (deadline.signal.aborted) throw deadline.error();
      throw error;
    }
  }
}
