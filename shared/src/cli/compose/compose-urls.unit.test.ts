import { describe, expect, it } from 'vitest';
import type { PatternManifest } from '../patterns/pattern-manifest.ts';
import type { ContainerStatus } from './container-status.ts';
import { describeComposeTarget, ensembleConnectString, readinessExpectations } from './compose-urls.ts';
import { parseResolvedConfig } from './resolved-config.ts';

const zoo = (id: number) => ({ image: 'zookeeper:3.9.5', ports: [`127.0.0.1:${2180 + id}:2181/tcp`] });
const service = (port: number) => ({ image: 'zk-cookbook:0.1.0', ports: [`127.0.0.1:${port}:3000/tcp`] });
const config = parseResolvedConfig(
  {
    services: {
      zoo1: zoo(1),
      zoo2: zoo(2),
      publisher: service(8081),
      'subscriber-1': service(8082),
      'subscriber-2': service(8083),
      grafana: { image: 'grafana/grafana:11.1.0', profiles: ['monitoring'], ports: ['127.0.0.1:3000:3000'] },
    },
  },
  [],
);
const manifest: PatternManifest = {
  name: 'config-center',
  directory: '/nowhere',
  title: 'Configuration centre',
  services: [
    { name: 'publisher', entry: 'src/publisher-main.ts', instances: 1, env: {} },
    { name: 'subscriber', entry: 'src/subscriber-main.ts', instances: 2, env: {} },
  ],
  pages: [{ service: 'publisher', path: '/', title: 'live values' }],
};
const containers: ContainerStatus[] = ['publisher', 'subscriber-1', 'subscriber-2'].map((name) => ({
  service: name,
  name: `compose-${name}-1`,
  state: 'running',
  health: 'healthy',
  exitCode: 0,
  publishedPorts: [],
}));

describe('what compose up prints and waits for', () => {
  it('prints the table zk-cookbook run prints: instances, URLs, pages, the ensemble', () => {
    const table = describeComposeTarget({
      target: { name: 'config-center', kind: 'pattern', files: [], profiles: [] },
      config,
      containers,
      manifest,
    });
    expect(table.split('\n')).toEqual([
      'Configuration centre (examples/config-center) is running under Docker Compose.',
      '',
      'INSTANCE      URL                    CONTAINER',
      'publisher     http://127.0.0.1:8081  compose-publisher-1',
      'subscriber-1  http://127.0.0.1:8082  compose-subscriber-1-1',
      'subscriber-2  http://127.0.0.1:8083  compose-subscriber-2-1',
      '',
      'Open:',
      '  live values: http://127.0.0.1:8081/',
      '',
      'ZooKeeper: 127.0.0.1:2181,127.0.0.1:2182   (npx zk-cookbook shell --server 127.0.0.1:2181)',
      'Stop it with: npx zk-cookbook compose down   (-v also drops the data volumes)',
    ]);
  });

  it('waits for the ensemble to be healthy and for our services to answer /readyz on their published port', () => {
    expect(readinessExpectations(config)).toEqual([
      { service: 'zoo1', ensemble: true },
      { service: 'zoo2', ensemble: true },
      { service: 'publisher', readyUrl: 'http://127.0.0.1:8081/readyz' },
      { service: 'subscriber-1', readyUrl: 'http://127.0.0.1:8082/readyz' },
      { service: 'subscriber-2', readyUrl: 'http://127.0.0.1:8083/readyz' },
    ]);
    expect(ensembleConnectString(config)).toBe('127.0.0.1:2181,127.0.0.1:2182');
  });
});
