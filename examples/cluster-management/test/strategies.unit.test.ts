import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countMoves, redealStrategy, stickyStrategy, type AssignmentStrategy } from '../src/index.ts';

const sources = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => `s${String(index).padStart(3, '0')}`);

function expectBalanced(owners: Map<string, string>, collectors: string[], all: string[]): void {
  expect([...owners.keys()].sort()).toEqual([...all].sort());
  const counts = new Map(collectors.map((id) => [id, 0]));
  for (const owner of owners.values()) {
    expect(collectors).toContain(owner);
    counts.set(owner, counts.get(owner)! + 1);
  }
  const floor = Math.floor(all.length / collectors.length);
  for (const count of counts.values()) expect([floor, floor + 1]).toContain(count);
}

describe('assignment strategies', () => {
  const all = sources(12);
  const three = ['c1', 'c2', 'c3'];

  for (const strategy of [stickyStrategy, redealStrategy] as AssignmentStrategy[]) {
    it(`${strategy.name}: every source to a live collector, balanced to within one`, () => {
      const first = strategy.assign(new Map(), three, all);
      expectBalanced(first, three, all);
      expectBalanced(strategy.assign(first, ['c1', 'c3'], all), ['c1', 'c3'], all);
      expect(strategy.assign(first, [], all).size).toBe(0);
    });
  }

  it('sticky: a join takes only the newcomer’s share, a departure moves only the departed one’s sources', () => {
    const first = stickyStrategy.assign(new Map(), three, all);
    const joined = stickyStrategy.assign(first, [...three, 'c4'], all);
    expect(countMoves(first, joined)).toBe(3);
    expect([...joined.values()].filter((owner) => owner === 'c4')).toHaveLength(3);

    const left = stickyStrategy.assign(first, ['c1', 'c3'], all);
    expect(countMoves(first, left)).toBe(4);
    for (const [source, owner] of first) if (owner !== 'c2') expect(left.get(source)).toBe(owner);
  });

  it('redeal: one join moves most sources', () => {
    const first = redealStrategy.assign(new Map(), three, all);
    const joined = redealStrategy.assign(first, [...three, 'c4'], all);
    expect(countMoves(first, joined)).toBeGreaterThanOrEqual(6);
  });

  it('sticky never moves more than a re-deal, and the same input gives the same answer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1 }),
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { minLength: 1 }),
        (count, before, after) => {
          const list = sources(count);
          const start = redealStrategy.assign(new Map(), before, list);
          const sticky = stickyStrategy.assign(start, after, list);
          expectBalanced(sticky, after, list);
          expect(countMoves(start, sticky)).toBeLessThanOrEqual(
            countMoves(start, redealStrategy.assign(start, after, list)),
          );
          expect(stickyStrategy.assign(start, after, list)).toEqual(sticky);
        },
      ),
    );
  });
});
