import { describe, expect, it } from 'vitest';
import { majority, runByzantine } from './byzantine.ts';

const SEEDS = 500;
// A few seconds of CPU; generous so that a loaded machine does not fail a correct run.
const HEAVY = 60_000;

function violatingSeeds(generals: number, m: number): number[] {
  const seeds: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    if (runByzantine({ seed, generals, m, trace: false }).violations.length > 0) seeds.push(seed);
  }
  return seeds;
}

describe('Byzantine generals, oral messages OM(m)', () => {
  it(
    `agrees with n = 3m + 1 whoever the traitors are and however they lie (${SEEDS} seeds each)`,
    () => {
      expect(violatingSeeds(4, 1)).toEqual([]);
      expect(violatingSeeds(7, 2)).toEqual([]);
    },
    HEAVY,
  );

  it(
    'fails with n = 3m: some lie splits the loyal generals',
    () => {
      expect(violatingSeeds(3, 1).length).toBeGreaterThan(0);
      expect(violatingSeeds(6, 2).length).toBeGreaterThan(0);
    },
    HEAVY,
  );

  it(
    'the paper’s example: 3 generals, a traitor lieutenant makes a loyal one disobey',
    () => {
      let found = false;
      for (let seed = 1; seed <= SEEDS && !found; seed += 1) {
        const run = runByzantine({ seed, generals: 3, m: 1, traitors: [1], order: 'attack', trace: false });
        found = run.decisions.get(2) === 'retreat';
      }
      expect(found).toBe(true);
    },
    HEAVY,
  );

  it(
    'sends the number of messages OM(m) needs: (n-1) + (n-1)(n-2) + … m+1 levels deep',
    () => {
      expect(runByzantine({ seed: 1, generals: 4, m: 1 }).messages).toBe(3 + 3 * 2);
      expect(runByzantine({ seed: 1, generals: 7, m: 2 }).messages).toBe(6 + 6 * 5 + 6 * 5 * 4);
    },
    HEAVY,
  );

  it(
    'breaks ties towards the default order',
    () => {
      expect(majority(['attack', 'retreat'])).toBe('retreat');
      expect(majority(['attack', 'attack', 'retreat'])).toBe('attack');
    },
    HEAVY,
  );
});
