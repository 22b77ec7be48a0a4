import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocateFreePorts,
  fetchCacheDirectory,
  findFetchedRelease,
  LocalEnsemble,
} from '../../ensemble/index.ts';
import { startMonitor, type MonitorService } from '../../monitor/index.ts';
import { eventually } from '../../../test-support/index.ts';

/**
 * Every metric the Grafana dashboard (compose/grafana/dashboards/zookeeper.json) queries must be one a
 * real server exports: a panel on a name nobody exports stays empty without an error anywhere (the
 * "Requests per second" panel did, on requests_received_count_total). ZooKeeper's names are checked
 * against the /metrics of the release compose/zookeeper.yml runs, with the Prometheus provider it
 * configures; the ensemble view's against the zk-cookbook monitor's /metrics; `up` is Prometheus's own.
 */
const dashboardFile = fileURLToPath(
  new URL('../../../../compose/grafana/dashboards/zookeeper.json', import.meta.url),
);
const PROMETHEUS_OWN = new Set(['up']);
const PROMQL_WORDS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'count_values',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'group',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** The metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
function metricNames(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range durations
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  // A whole identifier followed by "(" is a function or an aggregation, not a metric.
  const names = [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)]
    .filter((match) => match[2] === undefined)
    .map((match) => match[1]!);
  return names.filter((name) => !PROMQL_WORDS.has(name));
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    panels: { title: string; targets?: { expr?: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => target.expr ?? []));
}

/** Names with a sample in a Prometheus text exposition (HELP/TYPE lines alone do not count). */
function exportedNames(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)?.[0] ?? ''),
  );
}

/** The release compose/zookeeper.yml pins, from the cache scripts/fetch-maven.sh fills, with its provider. */
function zooKeeperWithPrometheusProvider(): string {
  const release = findFetchedRelease(join(fetchCacheDirectory(), 'maven'), 'zookeeper-', '3.9');
  const fetch = 'run `bash scripts/fetch-maven.sh zookeeper` (scripts/ensure-deps.sh test does, in CI)';
  if (!release) {
    throw new Error(`ZooKeeper 3.9 is not in ${join(fetchCacheDirectory(), 'maven')}: ${fetch}`);
  }
  const lib = join(release.directory, 'lib');
  const provider = existsSync(lib)
    ? readdirSync(lib).find((jar) => jar.startsWith('zookeeper-prometheus-metrics-'))
    : undefined;
  if (!provider) {
    throw new Error(
      `${release.directory} has no zookeeper-prometheus-metrics jar (fetched by an older script): ${fetch}`,
    );
  }
  return release.version;
}

describe('the Grafana dashboard queries only metrics that exist', () => {
  let ensemble: LocalEnsemble | undefined;
  let monitor: MonitorService | undefined;
  let metricsUrl = '';

  beforeAll(async () => {
    const version = zooKeeperWithPrometheusProvider();
    const [metricsPort] = await allocateFreePorts(1);
    // One server: the provider's HTTP port is a zoo.cfg setting shared by every member started here.
    ensemble = await LocalEnsemble.start({
      servers: 1,
      zooKeeperRelease: version,
      extraConfig: {
        'metricsProvider.className': 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
        'metricsProvider.httpHost': '127.0.0.1',
        'metricsProvider.httpPort': metricsPort!,
      },
    });
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    monitor = await startMonitor({ connectString: ensemble.connectString, pollIntervalMs: 200 });
  });

  afterAll(async () => {
    await monitor?.close();
    await ensemble?.close();
  });

  it('finds the metric names in every panel query', () => {
    expect(metricNames('sum by (instance) (rate(packets_received[1m]))')).toEqual(['packets_received']);
    expect(metricNames('zk_server_state == 1')).toEqual(['zk_server_state']);
    expect(metricNames('sum(up{job="zookeeper"})')).toEqual(['up']);
    expect(dashboardExpressions().length).toBeGreaterThan(10);
  });

  it('every name is exported by ZooKeeper, the zk-cookbook monitor, or Prometheus itself', async () => {
    expect(ensemble!.zooKeeper.version).toMatch(/^3\.9\./);
    const names = [...new Set(dashboardExpressions().flatMap(metricNames))].sort();
    const zooKeeperText = await (await fetch(metricsUrl)).text();
    const zooKeeperNames = exportedNames(zooKeeperText);
    expect(zooKeeperNames.has('znode_count'), 'the provider serves ZooKeeper metrics').toBe(true);
    // The monitor's samples appear once its first poll of the members is in.
    const monitorNames = await eventually(async () => {
      const exported = exportedNames(await (await fetch(`${monitor!.url}/metrics`)).text());
      expect(exported.has('zk_ensemble_serving_members')).toBe(true);
      return exported;
    });

    const missing = names.filter(
      (name) => !zooKeeperNames.has(name) && !monitorNames.has(name) && !PROMETHEUS_OWN.has(name),
    );
    expect(missing, `queried by the dashboard but exported by nobody`).toEqual([]);
    // The panel that used to be empty now reads a counter ZooKeeper does export.
    expect(zooKeeperNames.has('packets_received')).toBe(true);
    expect(zooKeeperNames.has('requests_received_count_total')).toBe(false);
  });
});
