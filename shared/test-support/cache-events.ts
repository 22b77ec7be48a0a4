// Helpers shared by the cache tests: the real tree as the cache should see it, a model rebuilt from
// nothing but a cache's events, and a seeded random writer.
import type { ZooKeeperClient } from '../src/client/index.ts';
import {
  ensurePath,
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  listRecursive,
} from '../src/client/index.ts';
import { expect } from 'vitest';
import { eventually } from './index.ts';
import type { CacheEvents, CachedNode, ResyncReason } from '../src/recipes/cache/cache-events.ts';
import type { EventEmitter } from 'node:events';

/** path → "data|czxid|mzxid": enough to tell content, incarnation and data version apart. */
export type TreeView = Map<string, string>;

function describeNode(node: { data: Buffer; stat: { czxid: bigint; mzxid: bigint } }): string {
  return `${node.data.toString('utf8')}|${node.stat.czxid}|${node.stat.mzxid}`;
}

/** The subtree as it is on the server right now (read with `client`), down to maxDepth. */
export async function readTree(
  client: ZooKeeperClient,
  root: string,
  maxDepth = Infinity,
): Promise<TreeView> {
  const view: TreeView = new Map();
  const rootDepth = root === '/' ? 0 : root.split('/').length - 1;
  for (const path of await listRecursive(client, root)) {
    const depth = (path === '/' ? 0 : path.split('/').length - 1) - rootDepth;
    if (depth > maxDepth) continue;
    try {
      view.set(path, describeNode(await client.getData(path)));
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }
  return sortView(view);
}

export function viewOf(nodes: Iterable<CachedNode>): TreeView {
  const view: TreeView = new Map();
  for (const node of nodes) view.set(node.path, describeNode(node));
  return sortView(view);
}

function sortView(view: TreeView): TreeView {
  return new Map([...view].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Applies a cache's events to an empty map, as an application would: the initialized snapshot,
 * then each difference. Any event that does not fit what came before (a "created" for a node the
 * model has, a "changed" or "deleted" for one it lacks, a "changed" whose `previous` is not what was
 * reported) is recorded as a violation.
 */
export class EventModel {
  readonly nodes = new Map<string, CachedNode>();
  readonly violations: string[] = [];
  readonly log: string[] = [];

  constructor(cache: EventEmitter<CacheEvents>) {
    cache.on('initialized', (nodes) => {
      for (const [path, node] of nodes) this.nodes.set(path, node);
      this.log.push('initialized');
    });
    cache.on('created', (node) => {
      if (this.nodes.has(node.path)) this.violations.push(`created ${node.path} twice`);
      this.nodes.set(node.path, node);
      this.log.push(`created ${node.path}`);
    });
    cache.on('changed', (node, previous) => {
      const known = this.nodes.get(node.path);
      if (!known) this.violations.push(`changed ${node.path} that was not there`);
      else if (describeNode(known) !== describeNode(previous)) {
        this.violations.push(`changed ${node.path}: previous is not what was reported`);
      }
      if (node.stat.czxid !== previous.stat.czxid)
        this.violations.push(`changed ${node.path} across incarnations`);
      this.nodes.set(node.path, node);
      this.log.push(`changed ${node.path}`);
    });
    cache.on('deleted', (node) => {
      if (!this.nodes.has(node.path)) this.violations.push(`deleted ${node.path} that was not there`);
      this.nodes.delete(node.path);
      this.log.push(`deleted ${node.path}`);
    });
    cache.on('resynced', (reason) => this.log.push(`resynced ${reason}`));
  }

  view(): TreeView {
    return viewOf(this.nodes.values());
  }

  /**
   * Waits until the cache has resynced for `reason` since log entry `from` and its events add up to
   * `expected()`. Both, because the cache's server may apply other clients' writes a little after the
   * resync; they then arrive as ordinary events.
   */
  async waitForResync(from: number, reason: ResyncReason, expected: () => Promise<TreeView>): Promise<void> {
    await eventually(
      async () => {
        expect(this.log.slice(from)).toContain(`resynced ${reason}`);
        expect(this.view()).toEqual(await expected());
      },
      { timeoutMs: 15_000 },
    );
  }

  /** The log since `from`, without resync markers, sorted: for comparing sets of differences. */
  changesSince(from: number): string[] {
    return this.log
      .slice(from)
      .filter((entry) => !entry.startsWith('resynced'))
      .sort();
  }
}

/** A small deterministic PRNG (mulberry32), so a failing random run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `operations` random creates, sets, deletes and delete-and-recreates on paths up to `depth` levels
 * under `root` (names a–c), several in flight at once. Parents are created persistent.
 */
export async function randomMutations(
  client: ZooKeeperClient,
  root: string,
  options: { operations: number; seed: number; depth?: number; concurrency?: number },
): Promise<void> {
  const random = seededRandom(options.seed);
  const pool: string[] = [];
  const grow = (path: string, level: number): void => {
    if (level > (options.depth ?? 3)) return;
    for (const name of ['a', 'b', 'c']) {
      const child = joinPath(path, name);
      pool.push(child);
      grow(child, level + 1);
    }
  };
  grow(root, 1);
  const pick = (): string => pool[Math.floor(random() * pool.length)]!;
  const one = async (step: number): Promise<void> => {
    const path = pick();
    const roll = random();
    try {
      if (roll < 0.4) await ensurePath(client, path, { parentMode: 'persistent' });
      else if (roll < 0.7) await client.setData(path, `v${step}`);
      else if (roll < 0.9) await client.delete(path);
      else {
        await client.delete(path);
        await client.create(path, `again${step}`);
      }
    } catch (error) {
      if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
        // A fault test pauses or kills servers: wait for the writer's connection, skip this step.
        await client.waitForConnected({ timeoutMs: 30_000 });
      } else if (!isZooKeeperError(error, 'NONODE', 'NODEEXISTS', 'NOTEMPTY')) throw error;
    }
  };
  const concurrency = options.concurrency ?? 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < options.operations) await one(next++);
    }),
  );
}
