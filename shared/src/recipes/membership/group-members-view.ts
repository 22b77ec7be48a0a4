import { EventEmitter } from 'node:events';
import type { StateChange, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import {
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  nodeName,
  validatePath,
} from '../../client/index.ts';
import { waitForConnection } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { untilAborted } from '../core/until-aborted.ts';

const RECIPE = 'GroupMembersView';

export interface GroupMembersViewEvents {
  /** a member node appeared (also for every member found by the first listing) */
  memberJoined: [id: string, data: Buffer];
  /** a member node is gone */
  memberLeft: [id: string];
  /** a member's data changed */
  memberChanged: [id: string, data: Buffer];
  /** a listing failed for a reason retrying cannot fix (e.g. NOAUTH) */
  failure: [Error];
}

/**
 * The members of a group as a live map — every child of `groupPath` and its data — kept current
 * with a children watch on the group and a data watch on each member. Observing a group does not
 * make one a member (GroupMember does both).
 *
 * ```ts
 * const view = new GroupMembersView(client, '/groups/workers');
 * view.on('memberJoined', (id, data) => console.log('joined', id, data.toString()));
 * view.on('memberLeft', (id) => console.log('left', id));
 * await view.start();
 * console.log([...view.members.keys()]);
 * ```
 *
 * A group node that does not exist yet (or was removed as an empty container) is an empty group;
 * members appear when it is created.
 *
 * Connection policy: while suspended the map may be stale; watches are re-registered on reconnect
 * and the server reports what changed meanwhile. After "lost" every watch is gone, so the whole
 * group is read again on the new session and the differences are reported as events.
 */
export class GroupMembersView extends EventEmitter<GroupMembersViewEvents> {
  private readonly known = new Map<string, Buffer>();
  private readonly dirty = new Set<string>();
  private state: 'latent' | 'started' | 'closed' = 'latent';
  private readonly closing = new AbortController();
  private running: Promise<void> | undefined;
  private runAgain = false;
  private readonly initialized: Promise<void>;
  private markInitialized: () => void = () => {};
  private readonly groupWatcher = (event: WatchedEvent): void => {
    if (event.type !== 'none') this.schedule();
  };
  private readonly memberWatcher = (event: WatchedEvent): void => {
    if (event.type === 'none') return;
    if (event.type === 'dataChanged') this.dirty.add(nodeName(event.path));
    this.schedule();
  };
  private readonly onState = (change: StateChange): void => {
    if (change.event === 'connected') {
      // A new session has none of our watches: read every member again.
      for (const id of this.known.keys()) this.dirty.add(id);
    }
    if (change.event === 'connected' || change.event === 'reconnected') this.schedule();
  };

  constructor(
    private readonly client: ZooKeeperClient,
    readonly groupPath: string,
  ) {
    super();
    validatePath(groupPath, { operation: RECIPE });
    this.initialized = new Promise((resolve) => (this.markInitialized = resolve));
  }

  /** Reads the group and starts watching it; resolves once the first full listing is in. */
  async start(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.state !== 'latent')
      throw new RecipeError('BAD_ARGUMENT', RECIPE, this.groupPath, 'already started');
    const deadline = new Deadline(RECIPE, this.groupPath, options.timeoutMs, options.signal);
    this.state = 'started';
    this.client.on('state', this.onState);
    this.schedule();
    try {
      await untilAborted(this.initialized, deadline.signal);
    } catch {
      await this.close();
      throw deadline.error();
    }
  }

  /** Member id → data, as last seen (a copy). */
  get members(): Map<string, Buffer> {
    return new Map(this.known);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closing.abort(new RecipeError('CLOSED', RECIPE, this.groupPath, 'closed'));
    this.client.off('state', this.onState);
    await this.running;
    const removals = [
      this.client.removeWatches(this.groupPath, 'any', { watcher: this.groupWatcher, local: true }),
      ...[...this.known.keys()].map((id) =>
        this.client.removeWatches(joinPath(this.groupPath, id), 'data', {
          watcher: this.memberWatcher,
          local: true,
        }),
      ),
    ];
    await Promise.allSettled(removals);
  }

  private schedule(): void {
    if (this.state !== 'started') return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  private async run(): Promise<void> {
    do {
      this.runAgain = false;
      try {
        await this.refresh();
        this.markInitialized();
      } catch (error) {
        if (this.state !== 'started') return;
        if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          try {
            await waitForConnection(this.client, this.closing.signal);
          } catch {
            return;
          }
          this.runAgain = true;
        } else {
          this.emit('failure', error instanceof Error ? error : new Error(String(error)));
        }
      }
    } while (this.runAgain && this.state === 'started');
  }

  /** One pass: list the members (watching the group), read new and changed ones, report differences. */
  private async refresh(): Promise<void> {
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.groupPath, { watch: this.groupWatcher }));
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
      // No group node: an empty group. Its creation fires this watch.
      if (await this.client.exists(this.groupPath, { watch: this.groupWatcher })) this.runAgain = true;
      children = [];
    }
    const current = new Set(children);
    for (const id of [...this.known.keys()]) {
      if (current.has(id)) continue;
      this.known.delete(id);
      this.dirty.delete(id);
      this.emit('memberLeft', id);
    }
    for (const id of children) {
      if (this.known.has(id) && !this.dirty.has(id)) continue;
      this.dirty.delete(id);
      let data: Buffer;
      try {
        ({ data } = await this.client.getData(joinPath(this.groupPath, id), { watch: this.memberWatcher }));
      } catch (error) {
        // Left between the listing and the read: the group watch reports it.
        if (isZooKeeperError(error, 'NONODE')) continue;
        this.dirty.add(id);
        throw error;
      }
      const previous = this.known.get(id);
      this.known.set(id, data);
      if (!previous) this.emit('memberJoined', id, data);
      else if (!previous.equals(data)) this.emit('memberChanged', id, data);
    }
  }
}
