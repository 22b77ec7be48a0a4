import { describe, expect, it } from 'vitest';
import { runZab, type ZabOptions } from './zab.ts';

const SEEDS = 500;
// A few seconds of CPU; generous so that a loaded machine does not fail a correct run.
const HEAVY = 60_000;
// Five servers, 5 % loss (a lost message breaks the connection, as with TCP), delays of 1-5 ticks,
// six random crash-restarts and two leader crashes per run.
const hostile = (seed: number): ZabOptions => ({
  seed,
  dropRate: 0.05,
  minDelay: 1,
  maxDelay: 5,
  crashes: 6,
  trace: false,
});

describe('ZAB', () => {
  it(
    `never loses a committed transaction across leader changes, and delivers one order, over ${SEEDS} schedules`,
    () => {
      let established = 0;
      let committed = 0;
      for (let seed = 1; seed <= SEEDS; seed += 1) {
        const run = runZab(hostile(seed));
        expect(run.violations, `seed ${seed}`).toEqual([]);
        established += run.observed.established.length;
        committed += run.observed.committed.size;
      }
      expect(established / SEEDS).toBeGreaterThan(2);
      expect(committed / SEEDS).toBeGreaterThan(8);
    },
    HEAVY,
  );

  it(
    'the check catches an election that ignores the servers’ histories',
    () => {
      let caught: string | undefined;
      for (let seed = 1; seed <= SEEDS && !caught; seed += 1) {
        caught = runZab({ ...hostile(seed), electionIgnoresHistory: true }).violations[0];
      }
      expect(caught).toMatch(/lost committed transaction|drop delivered transaction|prefix order/);
    },
    HEAVY,
  );

  it(
    'synchronises a returning follower with DIFF or TRUNC before it takes part again',
    () => {
      const modes = new Set<string>();
      for (let seed = 1; seed <= 40 && modes.size < 2; seed += 1) {
        for (const entry of runZab({ ...hostile(seed), trace: true }).network.trace) {
          const mode = /^(DIFF|TRUNC)/.exec(entry.text);
          if (entry.kind === 'note' && mode) modes.add(mode[1]!);
        }
      }
      expect(modes).toEqual(new Set(['DIFF', 'TRUNC']));
    },
    HEAVY,
  );
});
