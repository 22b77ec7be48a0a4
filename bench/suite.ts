import type { BenchEnsemble } from './lib/bench-ensemble.ts';

/**
 * A family of benchmarks, one file in bench/suites/ exporting `suite`. run.ts finds the files,
 * prepares the suites asked for, starts one ensemble for all of them and runs them in turn.
 */
export interface BenchSuite {
  /** what `npm run bench -- <name>` selects; also names the results file */
  name: string;
  description: string;
  /**
   * Finds tools and compiles programs, before any ensemble starts, so that a missing JDK or jar
   * fails in seconds with a clear message rather than after a minute of setup.
   */
  prepare(options: SuiteOptions): Promise<PreparedSuite>;
}

export interface SuiteOptions {
  /** runs per contender and workload; the median is reported */
  rounds: number;
  /** a smoke test: workloads a tenth of their size */
  quick: boolean;
  /**
   * How TypeScript child processes run: compiled as `npm run build` compiles (default, what runs in
   * production) or from the sources through tsx (what `npm run demo` and tests do)
   */
  typescript: 'compiled' | 'tsx';
  /** write V8 CPU profiles of the TypeScript child processes here */
  cpuProfileDirectory: string | undefined;
}

export interface PreparedSuite {
  run(context: SuiteContext): Promise<SuiteOutcome>;
}

export interface SuiteContext {
  ensemble: BenchEnsemble;
  /** progress lines, so a run of several minutes shows signs of life */
  log(line: string): void;
}

export interface SuiteOutcome {
  /** the human-readable summary: tables, versions, goals */
  report: string;
  /** everything measured, for the results file */
  results: unknown;
  /** hard failures (not missed goals), e.g. watches left registered; they make the exit code non-zero */
  failures: string[];
}
