import { describe, expect, it } from 'vitest';
import { runRaft, type RaftOptions } from './raft.ts';

const SEEDS = 500;
// A few seconds of CPU; generous so that a loaded machine does not fail a correct run.
const HEAVY = 60_000;
// Five nodes, 10 % loss, delays of 1-5 ticks, six random crash-restarts and two leader crashes per run.
const hostile = (seed: number): RaftOptions => ({
  seed,
  dropRate: 0.1,
  minDelay: 1,
  maxDelay: 5,
  crashes: 6,
  trace: false,
});

describe('Raft', () => {
  it(
    `keeps election safety, log matching, leader completeness and state machine safety over ${SEEDS} schedules`,
    () => {
      let committed = 0;
      let terms = 0;
      for (let seed = 1; seed <= SEEDS; seed += 1) {
        const run = runRaft(hostile(seed));
        expect(run.violations, `seed ${seed}`).toEqual([]);
        committed += run.observed.committed.size;
        terms += run.observed.leaders.size;
      }
      // Runs must do what the properties are about: commit entries and change leaders.
      expect(committed / SEEDS).toBeGreaterThan(8);
      expect(terms / SEEDS).toBeGreaterThan(2);
    },
    HEAVY,
  );

  it(
    'the check catches votes granted without the up-to-date-log check',
    () => {
      let caught: string | undefined;
      for (let seed = 1; seed <= SEEDS && !caught; seed += 1) {
        caught = runRaft({ ...hostile(seed), skipUpToDateCheck: true }).violations[0];
      }
      expect(caught).toMatch(/leader completeness|state machine safety|committed twice/);
    },
    HEAVY,
  );

  it(
    'repairs a follower log that diverged while it was down',
    () => {
      let repaired: ReturnType<typeof runRaft> | undefined;
      for (let seed = 1; seed <= 40 && !repaired; seed += 1) {
        const run = runRaft({ ...hostile(seed), trace: true });
        // A conflicting suffix (entries of a deposed leader) is cut off after nextIndex walks back.
        const texts = run.network.trace.map((entry) => entry.text);
        const truncated = texts.some((text) => text.startsWith('truncates its log'));
        if (truncated && texts.some((text) => text.startsWith('log repair'))) repaired = run;
      }
      expect(repaired).toBeDefined();
      expect(repaired?.violations).toEqual([]);
    },
    HEAVY,
  );
});
