/**
 * The Configurator pattern (examples/configurator): what versioning costs. Versioned publishes/s
 * (validate, read the key, one multi that checks the key's version, creates the immutable version
 * and moves `current`, then prune) against plain setData of the same value; and the latency from
 * issuing a write until every subscriber has applied it — ConfigSubscriber for a publish, NodeCache
 * for the plain write. Each round is a fresh Node process (examples/configurator/bench/publish-bench.ts)
 * pinned to one follower; the median over rounds is reported.
 */
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { runJsonChild } from '../lib/child-process.ts';
import { median } from '../lib/stats.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

interface ConfiguratorRun {
  publishes: number;
  subscribers: number;
  latencyRounds: number;
  versionedPerSecond: number;
  plainPerSecond: number;
  versionedLatencyMs: { p50: number; p99: number };
  plainLatencyMs: { p50: number; p99: number };
}

const PATTERN_DIRECTORY = join(REPOSITORY_ROOT, 'examples', 'configurator');

export const suite: BenchSuite = {
  name: 'configurator',
  description:
    'versioned publishes/s and publish→applied latency of the Configurator, against plain setData + NodeCache',
  async prepare(options) {
    return { run: (context) => runConfiguratorSuite(context, options) };
  },
};

async function runConfiguratorSuite(
  { ensemble, log }: SuiteContext,
  options: SuiteOptions,
): Promise<SuiteOutcome> {
  const sizes = options.quick
    ? { publishes: 100, subscribers: 10, rounds: 20 }
    : { publishes: 1000, subscribers: 10, rounds: 200 };
  const runs: ConfiguratorRun[] = [];
  const failures: string[] = [];
  for (let round = 0; round < options.rounds; round++) {
    try {
      const run = await runJsonChild<ConfiguratorRun>({
        command: process.execPath,
        args: [
          '--conditions=zk-cookbook-source',
          '--import',
          'tsx',
          join(PATTERN_DIRECTORY, 'bench', 'publish-bench.ts'),
          `--connect=${ensemble.pinnedConnectString}`,
          `--root=/zk-cookbook-bench/configurator-${Date.now()}-${round}`,
          `--publishes=${sizes.publishes}`,
          `--subscribers=${sizes.subscribers}`,
          `--rounds=${sizes.rounds}`,
        ],
        label: `configurator round ${round + 1}`,
        cwd: REPOSITORY_ROOT,
        timeoutMs: 300_000,
      });
      runs.push(run);
      log(
        `round ${round + 1}/${options.rounds}: ${run.versionedPerSecond.toFixed(0)} publishes/s vs ${run.plainPerSecond.toFixed(0)} setData/s; ` +
          `applied p50/p99 ${run.versionedLatencyMs.p50.toFixed(1)}/${run.versionedLatencyMs.p99.toFixed(1)} ms vs ` +
          `${run.plainLatencyMs.p50.toFixed(1)}/${run.plainLatencyMs.p99.toFixed(1)} ms`,
      );
    } catch (error) {
      failures.push(`round ${round + 1}: ${(error as Error).message}`);
    }
  }
  if (runs.length === 0) return { report: 'no round finished', results: { runs }, failures };
  const med = (pick: (run: ConfiguratorRun) => number) => median(runs.map(pick));
  const rows: [string, string, string, string][] = [
    [
      'writes/s (one at a time)',
      med((run) => run.versionedPerSecond).toFixed(0),
      med((run) => run.plainPerSecond).toFixed(0),
      ratio(
        med((run) => run.versionedPerSecond),
        med((run) => run.plainPerSecond),
      ),
    ],
    [
      'write → all applied p50 (ms)',
      med((run) => run.versionedLatencyMs.p50).toFixed(2),
      med((run) => run.plainLatencyMs.p50).toFixed(2),
      ratio(
        med((run) => run.versionedLatencyMs.p50),
        med((run) => run.plainLatencyMs.p50),
      ),
    ],
    [
      'write → all applied p99 (ms)',
      med((run) => run.versionedLatencyMs.p99).toFixed(2),
      med((run) => run.plainLatencyMs.p99).toFixed(2),
      ratio(
        med((run) => run.versionedLatencyMs.p99),
        med((run) => run.plainLatencyMs.p99),
      ),
    ],
  ];
  const header: [string, string, string, string] = ['measure', 'versioned publish', 'plain setData', 'ratio'];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  const report = [
    `Configurator on ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; median of ${runs.length} round(s)`,
    `${sizes.publishes} publishes one after another; latency over ${sizes.rounds} writes to ${sizes.subscribers} subscribers (each its own session), from issuing the write`,
    '',
    line(header),
    ...rows.map(line),
  ].join('\n');
  return { report, results: { sizes, runs }, failures };
}

function ratio(ours: number, peer: number): string {
  return `${(ours / peer).toFixed(2)}×`;
}
