import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConsistentHashRing,
  distribution,
  movementOnJoin,
  movementOnLeave,
  nodeNames,
  sampleKeyPositions,
} from './consistent-hash-ring.ts';
import { FIGURES } from './figures.ts';

const keys = sampleKeyPositions(10_000);
const withVirtualNodes = { kind: 'ring', virtualNodes: 160 } as const;

describe('consistent hashing', () => {
  it('moves about 1/(N+1) of the keys when node N+1 joins, all of them to the new node', () => {
    for (const n of [4, 10]) {
      const moved = movementOnJoin(withVirtualNodes, n, keys);
      expect(moved.movedFraction).toBeGreaterThan((1 / (n + 1)) * 0.75);
      expect(moved.movedFraction).toBeLessThan((1 / (n + 1)) * 1.25);
      expect(moved.movedElsewhere).toBe(0);
    }
  });

  it('moves only the leaving node’s keys when a node leaves', () => {
    const moved = movementOnLeave(withVirtualNodes, 10, keys);
    expect(moved.movedElsewhere).toBe(0);
    expect(moved.movedFraction).toBeGreaterThan(0.1 * 0.75);
    expect(moved.movedFraction).toBeLessThan(0.1 * 1.25);
  });

  it('hash mod N moves most keys when N changes', () => {
    expect(movementOnJoin({ kind: 'modulo' }, 10, keys).movedFraction).toBeGreaterThan(0.85);
    expect(movementOnJoin({ kind: 'modulo' }, 10, keys).movedElsewhere).toBeGreaterThan(keys.length * 0.75);
  });

  it('needs virtual nodes to spread keys evenly', () => {
    const nodes = nodeNames(10);
    const plain = distribution({ kind: 'ring', virtualNodes: 1 }, nodes, keys);
    const virtual = distribution(withVirtualNodes, nodes, keys);
    expect(plain.coefficientOfVariation).toBeGreaterThan(0.5);
    expect(virtual.coefficientOfVariation).toBeLessThan(0.15);
    expect(virtual.maxOverMean).toBeLessThan(1.3);
  });

  it('finds the first point clockwise, wrapping past the top of the ring', () => {
    const ring = new ConsistentHashRing(1).add('a').add('b').add('c');
    const [first, , last] = ring.positions;
    expect(ring.nodeAt(first!.position)).toBe(first!.node);
    expect(ring.nodeAt(first!.position + 1)).toBe(ring.positions[1]!.node);
    expect(ring.nodeAt(last!.position + 1)).toBe(first!.node);
    expect(ring.remove('a').remove('b').remove('c').nodes).toEqual([]);
    expect(() => ring.nodeFor('x')).toThrow(/no nodes/);
  });

  it('the committed pictures are what generate-figures.ts draws today', () => {
    for (const [name, draw] of Object.entries(FIGURES)) {
      const committed = readFileSync(new URL(`../images/${name}`, import.meta.url), 'utf8');
      expect(committed, `${name} is stale: run npx tsx docs/theory/hashing/generate-figures.ts`).toBe(draw());
    }
  });
});
