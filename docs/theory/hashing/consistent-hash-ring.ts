import { createHash } from 'node:crypto';

/**
 * Consistent hashing (Karger et al. 1997): nodes and keys are hashed onto one circle of 2^32
 * positions; a key belongs to the first node point clockwise from it. Adding a node takes over only
 * the arcs in front of its points; removing one hands its arcs to the next points — every other key
 * stays where it was. With one point per node the arcs are uneven; many virtual nodes (points) per
 * node even them out.
 */

/** A 32-bit position on the ring: the first four bytes of MD5, as ketama (memcached) does. */
export function ringPosition(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

interface Point {
  readonly position: number;
  readonly node: string;
}

export class ConsistentHashRing {
  private points: Point[] = [];
  private readonly nodeNames = new Set<string>();

  /** @param virtualNodes points per node on the ring (1 = plain consistent hashing). */
  constructor(readonly virtualNodes = 1) {
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1) {
      throw new RangeError(`virtualNodes must be a positive integer, got ${virtualNodes}`);
    }
  }

  get nodes(): string[] {
    return [...this.nodeNames];
  }

  add(node: string): this {
    if (this.nodeNames.has(node)) return this;
    this.nodeNames.add(node);
    for (let replica = 0; replica < this.virtualNodes; replica += 1) {
      this.points.push({ position: ringPosition(`${node}#${replica}`), node });
    }
    // Ties (astronomically rare) are broken by name so the ring does not depend on insertion order.
    this.points.sort((a, b) => a.position - b.position || a.node.localeCompare(b.node));
    return this;
  }

  remove(node: string): this {
    this.nodeNames.delete(node);
    this.points = this.points.filter((point) => point.node !== node);
    return this;
  }

  /** The node owning `key`: the first point at or after the key's position, wrapping around. */
  nodeFor(key: string): string {
    return this.nodeAt(ringPosition(key));
  }

  /** The node owning a ring position (keys hashed once, looked up on many rings). */
  nodeAt(position: number): string {
    if (this.points.length === 0) throw new Error('the ring has no nodes');
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.points[middle]!.position < position) low = middle + 1;
      else high = middle;
    }
    return (this.points[low] ?? this.points[0]!).node;
  }

  /** Each point's position, for drawing the ring. */
  get positions(): readonly Point[] {
    return this.points;
  }
}

/** The naive scheme consistent hashing replaces: hash(key) mod N, which reshuffles almost everything when N changes. */
export function moduloNode(key: string, nodes: readonly string[]): string {
  return moduloNodeAt(ringPosition(key), nodes);
}

function moduloNodeAt(position: number, nodes: readonly string[]): string {
  return nodes[position % nodes.length]!;
}

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `node-${i + 1}`);
}

/** Ring positions of `count` sample keys ("key-0", "key-1", …), hashed once. */
export function sampleKeyPositions(count: number): number[] {
  return Array.from({ length: count }, (_, i) => ringPosition(`key-${i}`));
}

export interface Distribution {
  readonly perNode: ReadonlyMap<string, number>;
  /** Standard deviation over mean of the keys per node: 0 is perfectly even. */
  readonly coefficientOfVariation: number;
  readonly maxOverMean: number;
}

export function distribution(
  scheme: Scheme,
  nodes: readonly string[],
  keys: readonly number[],
): Distribution {
  const owner = ownerFunction(scheme, nodes);
  const perNode = new Map(nodes.map((node) => [node, 0]));
  for (const key of keys) {
    const node = owner(key);
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const counts = [...perNode.values()];
  const mean = keys.length / nodes.length;
  const variance = counts.reduce((sum, count) => sum + (count - mean) ** 2, 0) / counts.length;
  return {
    perNode,
    coefficientOfVariation: Math.sqrt(variance) / mean,
    maxOverMean: Math.max(...counts) / mean,
  };
}

export interface Movement {
  /** Share of keys whose owner changed. */
  readonly movedFraction: number;
  /** Keys that moved somewhere other than the node that joined (or away from a node that stayed). */
  readonly movedElsewhere: number;
}

export type Scheme = { kind: 'modulo' } | { kind: 'ring'; virtualNodes: number };

function ownerFunction(scheme: Scheme, nodes: readonly string[]): (position: number) => string {
  if (scheme.kind === 'modulo') return (position) => moduloNodeAt(position, nodes);
  const ring = new ConsistentHashRing(scheme.virtualNodes);
  for (const node of nodes) ring.add(node);
  return (position) => ring.nodeAt(position);
}

/** What happens to `keys` when node N+1 joins N nodes (or, with `leave`, when the last of N+1 leaves). */
export function movementOnJoin(scheme: Scheme, nodeCount: number, keys: readonly number[]): Movement {
  const before = nodeNames(nodeCount);
  const joined = `node-${nodeCount + 1}`;
  const ownerBefore = ownerFunction(scheme, before);
  const ownerAfter = ownerFunction(scheme, [...before, joined]);
  let moved = 0;
  let movedElsewhere = 0;
  for (const key of keys) {
    const after = ownerAfter(key);
    if (ownerBefore(key) !== after) {
      moved += 1;
      if (after !== joined) movedElsewhere += 1;
    }
  }
  return { movedFraction: moved / keys.length, movedElsewhere };
}

export function movementOnLeave(scheme: Scheme, nodeCount: number, keys: readonly number[]): Movement {
  const before = nodeNames(nodeCount);
  const leaving = before[before.length - 1]!;
  const ownerBefore = ownerFunction(scheme, before);
  const ownerAfter = ownerFunction(scheme, before.slice(0, -1));
  let moved = 0;
  let movedElsewhere = 0;
  for (const key of keys) {
    const owner = ownerBefore(key);
    if (owner !== ownerAfter(key)) {
      moved += 1;
      if (owner !== leaving) movedElsewhere += 1;
    }
  }
  return { movedFraction: moved / keys.length, movedElsewhere };
}
