import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ensembleSamples, registerEnsembleMetrics } from './ensemble-metrics.ts';
import { summarise } from './ensemble-summary.ts';
import { unknownStatus, type MemberStatus } from './member-status.ts';

function status(id: number, fields: Partial<MemberStatus>): MemberStatus {
  return { ...unknownStatus({ id, host: '127.0.0.1', port: 2180 + id }), pollMs: 20, ...fields };
}

const leader = status(1, {
  up: true,
  serving: true,
  mode: 'leader',
  zxid: '0x200000007',
  epoch: 2,
  latency: { minMs: 0, avgMs: 1.5, maxMs: 9 },
  outstanding: 3,
  connections: 4,
  watches: 5,
  znodes: 42,
  ephemerals: 1,
  dataSizeBytes: 1234,
  syncedFollowers: 1,
});
const follower = status(2, {
  up: true,
  serving: true,
  mode: 'follower',
  zxid: '0x200000007',
  epoch: 2,
  znodes: 42,
});
const down = status(3, { mode: 'down' });
const members = [leader, follower, down];

function value(name: string, labels: Record<string, string> = {}): number | undefined {
  return ensembleSamples(members, summarise(members)).find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  )?.value;
}

describe('ensemble metrics', () => {
  it('names per-member series after their mntr keys, labelled with the server id and zk_host', () => {
    expect(value('zk_znode_count', { server_id: '1', zk_host: '127.0.0.1:2181' })).toBe(42);
    expect(value('zk_avg_latency', { server_id: '1' })).toBe(1.5);
    expect(value('zk_max_latency', { server_id: '1' })).toBe(9);
    expect(value('zk_outstanding_requests', { server_id: '1' })).toBe(3);
    expect(value('zk_num_alive_connections', { server_id: '1' })).toBe(4);
    expect(value('zk_watch_count', { server_id: '1' })).toBe(5);
    expect(value('zk_ephemerals_count', { server_id: '1' })).toBe(1);
    expect(value('zk_approximate_data_size', { server_id: '1' })).toBe(1234);
    expect(value('zk_zxid', { server_id: '1' })).toBe(0x200000007);
    expect(value('zk_epoch', { server_id: '1' })).toBe(2);
  });

  it('gives the mode as a one-hot labelled gauge, and leadership on its own', () => {
    const modes = ensembleSamples(members, summarise(members)).filter(
      (sample) => sample.name === 'zk_server_state' && sample.value === 1,
    );
    expect(modes.map((sample) => [sample.labels.server_id, sample.labels.state])).toEqual([
      ['1', 'leader'],
      ['2', 'follower'],
    ]);
    expect(value('zk_server_state', { server_id: '3', state: 'follower' })).toBe(0);
    expect(value('zk_server_leader', { server_id: '1' })).toBe(1);
    expect(value('zk_server_leader', { server_id: '2' })).toBe(0);
  });

  it('marks a down member with up 0 and leaves out the values it cannot know', () => {
    expect(value('zk_up', { server_id: '3' })).toBe(0);
    expect(value('zk_serving', { server_id: '3' })).toBe(0);
    expect(value('zk_znode_count', { server_id: '3' })).toBeUndefined();
    expect(value('zk_up', { server_id: '2' })).toBe(1);
  });

  it('adds ensemble-wide series: leader present, members serving, synced followers', () => {
    expect(value('zk_ensemble_members')).toBe(3);
    expect(value('zk_ensemble_serving_members')).toBe(2);
    expect(value('zk_ensemble_leader_present')).toBe(1);
    expect(value('zk_ensemble_synced_followers')).toBe(1);
    expect(value('zk_synced_followers', { server_id: '1' })).toBe(1);
    expect(value('zk_synced_followers', { server_id: '2' })).toBeUndefined();
  });

  it('renders fresh values on every scrape', async () => {
    const registry = new Registry();
    let current = members;
    registerEnsembleMetrics(registry, () => ({ members: current, summary: summarise(current) }));
    expect(await registry.metrics()).toContain('zk_ensemble_leader_present 1');
    expect(await registry.metrics()).toMatch(
      /^zk_znode_count\{server_id="1",zk_host="127\.0\.0\.1:2181"\} 42$/m,
    );
    current = [status(1, { mode: 'unresponsive' }), follower, down];
    const text = await registry.metrics();
    expect(text).toContain('zk_ensemble_leader_present 0');
    expect(text).not.toMatch(/^zk_znode_count\{server_id="1"/m);
  });
});
