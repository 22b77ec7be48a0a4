import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPassed, formatReport, type ExerciseReport } from './check-report.ts';
import { exercises, solutionPath, starterPath } from './exercises.ts';

describe('the exercise list', () => {
  it('is numbered 1..n in order, each with a README, a starter and a solution on disk', () => {
    expect(exercises.map((exercise) => exercise.number)).toEqual(exercises.map((_, index) => index + 1));
    for (const exercise of exercises) {
      expect(exercise.folder.startsWith(String(exercise.number).padStart(2, '0'))).toBe(true);
      expect(existsSync(starterPath(exercise)), starterPath(exercise)).toBe(true);
      expect(existsSync(solutionPath(exercise)), solutionPath(exercise)).toBe(true);
      expect(existsSync(join(dirname(starterPath(exercise)), 'README.md'))).toBe(true);
    }
  });
});

describe('a report', () => {
  const report = (statuses: ('pass' | 'fail' | 'skipped')[]): ExerciseReport => ({
    exercise: 1,
    target: 'starter',
    modulePath: '/x',
    durationMs: 1234,
    results: statuses.map((status, index) => ({
      name: `check ${index}`,
      status,
      detail: status === 'fail' ? 'what is wrong\nand where' : '',
      durationMs: 5,
    })),
  });

  it('passes only when every check passed; a skipped check is not a pass', () => {
    expect(allPassed(report(['pass', 'pass']))).toBe(true);
    expect(allPassed(report(['pass', 'skipped']))).toBe(false);
    expect(allPassed(report(['fail']))).toBe(false);
  });

  it('prints one line per check, the hint indented under a failure, and the count', () => {
    const text = formatReport(report(['pass', 'fail', 'skipped']));
    expect(text).toContain('  PASS  check 0 (5 ms)');
    expect(text).toContain('  FAIL  check 1 (5 ms)\n         what is wrong\n         and where');
    expect(text).toContain('  SKIP  check 2');
    expect(text).toMatch(/1 of 3 checks pass \(starter, 1\.2 s\)$/);
  });
});
