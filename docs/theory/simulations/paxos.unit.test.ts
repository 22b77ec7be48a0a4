import { describe, expect, it } from 'vitest';
import { duellingProposers, runPaxos, type PaxosOptions } from './paxos.ts';

const SEEDS = 500;
// A few seconds of CPU; generous so that a loaded machine does not fail a correct run.
const HEAVY = 60_000;
// Three proposers, five acceptors, 10 % loss, delays of 1-6 ticks and four crash-restarts per run.
const hostile = (seed: number): PaxosOptions => ({
  seed,
  proposers: 3,
  acceptors: 5,
  dropRate: 0.1,
  minDelay: 1,
  maxDelay: 6,
  crashes: 4,
  crashWindow: 200,
  trace: false,
});

function firstViolation(
  options: (seed: number) => PaxosOptions,
): { seed: number; violation: string } | undefined {
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    const [violation] = runPaxos(options(seed)).violations;
    if (violation) return { seed, violation };
  }
  return undefined;
}

describe('Paxos', () => {
  it(
    `chooses at most one value, and every learner learns it, over ${SEEDS} hostile schedules`,
    () => {
      let decided = 0;
      for (let seed = 1; seed <= SEEDS; seed += 1) {
        const run = runPaxos(hostile(seed));
        expect(run.violations, `seed ${seed}`).toEqual([]);
        if (run.chosen.length === 1) decided += 1;
      }
      // The property is only worth checking if runs actually decide.
      expect(decided).toBeGreaterThan(SEEDS * 0.9);
    },
    HEAVY,
  );

  it(
    'the check catches acceptors that forget their promise',
    () => {
      expect(
        firstViolation((seed) => ({ ...hostile(seed), acceptorForgetsPromise: true }))?.violation,
      ).toMatch(/more than one value chosen/);
    },
    HEAVY,
  );

  it(
    'the check catches proposers that ignore the values promises report',
    () => {
      expect(
        firstViolation((seed) => ({ ...hostile(seed), proposerIgnoresAcceptedValues: true })),
      ).toBeDefined();
    },
    HEAVY,
  );

  it(
    'two proposers that retry at once can pre-empt each other forever (livelock)',
    () => {
      const run = duellingProposers('immediate', 1, 400);
      expect(run.chosen).toEqual([]);
      expect(run.ballotsTried).toBeGreaterThan(150);
      expect(run.violations).toEqual([]);
    },
    HEAVY,
  );

  it(
    'random backoff breaks the duel',
    () => {
      for (let seed = 1; seed <= 50; seed += 1) {
        const run = duellingProposers('backoff', seed, 400);
        expect(run.chosen, `seed ${seed}`).toHaveLength(1);
        expect(run.learned.every((value) => value === run.chosen[0])).toBe(true);
      }
    },
    HEAVY,
  );
});
