import { EventEmitter } from 'node:events';
import type { CreateMode, NodeData, StateChange, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import {
  ensurePath,
  isConnectionLossClass,
  isZooKeeperError,
  nodeName,
  parentPath,
  toBytes,
  validatePath,
} from '../../client/index.ts';
import { waitForConnection } from '../core/connection.ts';
import { createProtected } from '../core/create-protected.ts';
import { Deadline, sleep } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { untilAborted } from '../core/until-aborted.ts';

const RECIPE = 'PersistentNode';
const MODES: readonly CreateMode[] = [
  'ephemeral',
  'ephemeralSequential',
  'persistent',
  'persistentSequential',
];

export interface PersistentNodeOptions {
  /** default "ephemeral"; the sequential modes append a counter to the path */
  mode?: CreateMode;
  /**
   * Curator's withProtection(): the node is named `<parent>/_c_<uuid>-<name>`, so a create whose
   * reply is lost can find its node instead of creating a second one. Use it with sequential modes.
   */
  protected?: boolean;
  /** the node's data, restored on every re-creation; default empty */
  data?: NodeData;
}

export interface PersistentNodeEvents {
  /** the node was created (or an existing one adopted) at this path */
  nodeCreated: [path: string];
  /** the node was found deleted, or went with the session; it is being re-created */
  nodeDeleted: [path: string];
  /** creating the node failed for a reason retrying soon will not fix (e.g. NOAUTH); retried later */
  failure: [Error];
}

/**
 * A node that stays: created at start(), and created again whenever it is deleted or lost with the
 * session, with the same data — Curator's PersistentNode, for registrations and group membership.
 *
 * ```ts
 * const registration = new PersistentNode(client, '/services/api/instance-1', {
 *   mode: 'ephemeral',
 *   data: JSON.stringify({ host, port }),
 * });
 * registration.on('nodeCreated', (path) => log.info({ path }, 'registered'));
 * registration.start();
 * await registration.waitForInitialCreate({ timeoutMs: 10_000 });
 * // ... on shutdown:
 * await registration.close();                       // deletes the node
 * ```
 *
 * How it stays: an exists-watch on the node re-creates it on NodeDeleted and re-arms on
 * NodeDataChanged; every (re)connection checks it again. A node that already exists at start is
 * adopted and given our data, as Curator does. Parents are created as containers.
 *
 * Sequential modes: re-creation keeps the number. Unprotected, the node comes back at its exact
 * path (created non-sequentially); protected, it comes back as `_c_<new uuid>-<name><same number>`
 * — Curator's behaviour, so other participants that sort by the suffix keep their order. (An
 * unprotected sequential create whose reply is lost may leave a duplicate; use protection.)
 *
 * Connection policy: while suspended nothing is done — an ephemeral node lives as long as its
 * session, and the watch is re-registered on reconnect. On "lost" an ephemeral node is gone
 * ("nodeDeleted"); it is re-created as soon as the new session is there ("nodeCreated"), which is
 * the point of this recipe. `isPresent` says whether the node is believed to exist right now.
 */
export class PersistentNode extends EventEmitter<PersistentNodeEvents> {
  private readonly mode: CreateMode;
  private readonly useProtection: boolean;
  private data: Uint8Array;
  private state: 'latent' | 'started' | 'closed' = 'latent';
  private readonly closing = new AbortController();
  private path: string | undefined;
  private present = false;
  private running: Promise<void> | undefined;
  private runAgain = false;
  private failures = 0;
  private readonly initialCreate: Promise<string>;
  private resolveInitialCreate: (path: string) => void = () => {};
  private readonly watcher = (event: WatchedEvent): void => {
    // "none": the session ended, and the next connection triggers a check (see onState).
    if (event.type !== 'none') this.schedule();
  };
  private readonly onState = (change: StateChange): void => {
    if (change.event === 'lost' && this.present && isEphemeral(this.mode)) this.markGone();
    if (change.event === 'connected' || change.event === 'reconnected') this.schedule();
  };

  constructor(
    private readonly client: ZooKeeperClient,
    readonly basePath: string,
    options: PersistentNodeOptions = {},
  ) {
    super();
    this.mode = options.mode ?? 'ephemeral';
    if (!MODES.includes(this.mode)) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        basePath,
        `mode must be one of ${MODES.join(', ')}; got ${String(this.mode)}`,
      );
    }
    validatePath(basePath, { operation: RECIPE, sequential: isSequential(this.mode) });
    this.useProtection = options.protected ?? false;
    this.data = toBytes(options.data);
    this.initialCreate = new Promise((resolve) => (this.resolveInitialCreate = resolve));
  }

  /** Starts creating the node in the background. */
  start(): void {
    if (this.state !== 'latent')
      throw new RecipeError('BAD_ARGUMENT', RECIPE, this.basePath, 'already started');
    this.state = 'started';
    this.client.on('state', this.onState);
    this.schedule();
  }

  /** Resolves with the node's path once it has been created the first time. */
  async waitForInitialCreate(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
    if (this.state === 'latent')
      throw new RecipeError('BAD_ARGUMENT', RECIPE, this.basePath, 'start() first');
    const deadline = new Deadline(RECIPE, this.basePath, options.timeoutMs, options.signal);
    return untilAborted(this.initialCreate, deadline.signal).catch(() => {
      throw deadline.error();
    });
  }

  /** The node's full path (with its sequence number and protection prefix), once created. */
  get actualPath(): string | undefined {
    return this.path;
  }

  /** Whether the node is believed to exist right now (false between a loss and its re-creation). */
  get isPresent(): boolean {
    return this.present;
  }

  get currentData(): Buffer {
    return Buffer.from(this.data);
  }

  /** Changes the data: written to the node now, and used for every re-creation. */
  async setData(data: NodeData): Promise<void> {
    if (this.state === 'closed') throw new RecipeError('CLOSED', RECIPE, this.basePath, 'closed');
    this.data = toBytes(data);
    if (!this.path) return; // the first create will carry it
    for (;;) {
      try {
        await this.client.setData(this.path, this.data);
        return;
      } catch (error) {
        // Missing: the re-creation under way carries the new data.
        if (isZooKeeperError(error, 'NONODE')) return;
        if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
        await waitForConnection(this.client, this.closing.signal);
      }
    }
  }

  /** Stops re-creating and deletes the node; resolves once ZooKeeper has confirmed the delete. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasStarted = this.state === 'started';
    this.state = 'closed';
    this.closing.abort(new RecipeError('CLOSED', RECIPE, this.basePath, 'closed'));
    this.client.off('state', this.onState);
    if (!wasStarted) return;
    await this.running;
    if (this.path) {
      this.client.removeWatches(this.path, 'data', { watcher: this.watcher, local: true }).catch(() => {});
      await deleteGuaranteed(this.client, this.path);
    }
    this.present = false;
  }

  /** Runs check-and-create in the background; triggers that arrive meanwhile cause one more run. */
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
        await this.ensureNode();
        this.failures = 0;
      } catch (error) {
        if (this.state !== 'started') return;
        try {
          if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
            await waitForConnection(this.client, this.closing.signal);
          } else {
            this.emit('failure', error instanceof Error ? error : new Error(String(error)));
            this.failures++;
            await sleep(Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7)), this.closing.signal);
          }
        } catch {
          return; // closed while waiting
        }
        this.runAgain = true;
      }
    } while (this.runAgain && this.state === 'started');
  }

  /** One check: is the node there (watch it), or must it be created? */
  private async ensureNode(): Promise<void> {
    if (this.path) {
      if (await this.client.exists(this.path, { watch: this.watcher })) {
        this.markPresent(this.path);
        return;
      }
      if (this.present) this.markGone();
    }
    const created = await this.create();
    if (this.state !== 'started') {
      // Closed while the create was in flight: nobody is going to look after this node.
      await deleteGuaranteed(this.client, created);
      return;
    }
    this.path = created;
    this.markPresent(created, true);
    // Watch it; if it is already gone again, go round once more.
    if (!(await this.client.exists(created, { watch: this.watcher }))) this.runAgain = true;
  }

  private async create(): Promise<string> {
    const recreating = this.path !== undefined && isSequential(this.mode);
    // Re-creation keeps the sequence number: the node is created without a new one.
    const mode = recreating ? withoutSequence(this.mode) : this.mode;
    if (this.useProtection) {
      const name = nodeName(this.basePath) + (recreating ? this.path!.slice(-10) : '');
      const node = await createProtected(this.client, parentPath(this.basePath), name, this.data, {
        mode,
        signal: this.closing.signal,
      });
      return node.path;
    }
    const target = this.path ?? this.basePath;
    for (;;) {
      try {
        return await this.client.create(target, this.data, { mode });
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) {
          await ensurePath(this.client, parentPath(target), { mode: 'container' });
          continue;
        }
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
        // Adopt it, with our data (Curator does the same). If it is an ephemeral of another
        // session, its deletion fires our watch and we create our own.
        try {
          await this.client.setData(target, this.data);
          return target;
        } catch (setError) {
          if (!isZooKeeperError(setError, 'NONODE')) throw setError;
        }
      }
    }
  }

  private markPresent(path: string, created = false): void {
    const wasPresent = this.present;
    this.present = true;
    if (created || !wasPresent) {
      this.resolveInitialCreate(path);
      if (created) this.emit('nodeCreated', path);
    }
  }

  private markGone(): void {
    this.present = false;
    if (this.path) this.emit('nodeDeleted', this.path);
  }
}

function isSequential(mode: CreateMode): boolean {
  return mode === 'ephemeralSequential' || mode === 'persistentSequential';
}

function isEphemeral(mode: CreateMode): boolean {
  return mode === 'ephemeral' || mode === 'ephemeralSequential';
}

function withoutSequence(mode: CreateMode): CreateMode {
  if (mode === 'ephemeralSequential') return 'ephemeral';
  if (mode === 'persistentSequential') return 'persistent';
  return mode;
}
