import { describe, expect, it } from 'vitest';
import { runCommit, type CommitOptions } from './commit-protocols.ts';

const SEEDS = 500;
// A few seconds of CPU; generous so that a loaded machine does not fail a correct run.
const HEAVY = 60_000;
const lossy = (seed: number, protocol: CommitOptions['protocol']): CommitOptions => ({
  seed,
  protocol,
  dropRate: 0.2,
  minDelay: 1,
  maxDelay: 8,
  trace: false,
});
const allYes = [true, true, true];

describe('two-phase commit', () => {
  it(
    `is atomic over ${SEEDS} schedules with loss and crash-restarts of anyone`,
    () => {
      let committed = 0;
      for (let seed = 1; seed <= SEEDS; seed += 1) {
        const run = runCommit({ ...lossy(seed, '2pc'), crashes: 2 });
        expect(run.violations, `seed ${seed}`).toEqual([]);
        if (run.states.includes('committed')) committed += 1;
      }
      // Loss turns many runs into aborts; enough still commit for the property to bite.
      expect(committed).toBeGreaterThan(SEEDS * 0.1);
    },
    HEAVY,
  );

  it(
    'blocks when the coordinator dies after logging commit: everyone is prepared, nobody may decide',
    () => {
      const crash = { at: 'after-logging-commit', downtime: 200 } as const;
      const blocked = runCommit({
        seed: 1,
        protocol: '2pc',
        votes: allYes,
        coordinatorCrash: crash,
        until: 190,
      });
      expect(blocked.states).toEqual(['prepared', 'prepared', 'prepared']);
      expect(blocked.network.trace.some((entry) => entry.text.startsWith('BLOCKED'))).toBe(true);
      // Only the coordinator's return unblocks them, with the decision it logged.
      const recovered = runCommit({
        seed: 1,
        protocol: '2pc',
        votes: allYes,
        coordinatorCrash: crash,
        until: 400,
      });
      expect(recovered.states).toEqual(['committed', 'committed', 'committed']);
    },
    HEAVY,
  );
});

describe('three-phase commit', () => {
  it(
    'does not block where 2PC does: the survivors abort when nobody was pre-committed',
    () => {
      const run = runCommit({
        seed: 1,
        protocol: '3pc',
        votes: allYes,
        coordinatorCrash: { at: 'after-votes', downtime: 10_000 },
        until: 190,
      });
      expect(run.states).toEqual(['aborted', 'aborted', 'aborted']);
    },
    HEAVY,
  );

  it(
    'commits on termination when one participant was pre-committed before the coordinator died',
    () => {
      const run = runCommit({
        seed: 1,
        protocol: '3pc',
        votes: allYes,
        coordinatorCrash: { at: 'after-first-precommit', downtime: 10_000 },
        until: 190,
      });
      expect(run.states).toEqual(['committed', 'committed', 'committed']);
    },
    HEAVY,
  );

  it(
    'is not atomic when messages are lost: the termination protocol trusts timeouts',
    () => {
      let violations = 0;
      let twoPhaseViolations = 0;
      for (let seed = 1; seed <= SEEDS; seed += 1) {
        if (runCommit(lossy(seed, '3pc')).violations.length > 0) violations += 1;
        if (runCommit(lossy(seed, '2pc')).violations.length > 0) twoPhaseViolations += 1;
      }
      expect(violations).toBeGreaterThan(0);
      expect(twoPhaseViolations).toBe(0);
    },
    HEAVY,
  );
});
