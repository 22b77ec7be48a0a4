/** What one check found: passed, failed with a hint, or skipped because an earlier check failed. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  /** for a failure: what is still wrong and where to look; for a pass: what was measured, if anything */
  readonly detail: string;
  readonly durationMs: number;
}

export interface ExerciseReport {
  readonly exercise: number;
  readonly target: 'starter' | 'solution';
  readonly modulePath: string;
  readonly results: readonly CheckResult[];
  readonly durationMs: number;
}

/**
 * A check that did not hold. Its message is the hint the reader sees, so it says what was expected,
 * what happened instead and, where it helps, which part of the exercise to look at.
 */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export function allPassed(report: ExerciseReport): boolean {
  return report.results.every((result) => result.status === 'pass');
}

export function formatReport(report: ExerciseReport): string {
  const lines = report.results.map((result) => {
    const mark = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' }[result.status];
    const detail = result.detail ? `\n         ${result.detail.replace(/\n/g, '\n         ')}` : '';
    return `  ${mark}  ${result.name} (${result.durationMs} ms)${detail}`;
  });
  const passed = report.results.filter((result) => result.status === 'pass').length;
  const verdict = allPassed(report)
    ? `all ${passed} checks pass`
    : `${passed} of ${report.results.length} checks pass`;
  return [...lines, `  ${verdict} (${report.target}, ${(report.durationMs / 1000).toFixed(1)} s)`].join('\n');
}
