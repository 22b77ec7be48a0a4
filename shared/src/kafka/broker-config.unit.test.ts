import { describe, expect, it } from 'vitest';
import { brokerProperties, renderProperties } from './broker-config.ts';

const settings = {
  zooKeeperConnect: '127.0.0.1:41234/kafka',
  brokerCount: 3,
  zooKeeperSessionTimeoutMs: 6_000,
  replicaLagTimeMaxMs: 5_000,
  extra: {},
};

describe('brokerProperties', () => {
  it('runs the broker in ZooKeeper mode on its own listener under the chroot', () => {
    const properties = brokerProperties({ id: 2, host: '127.0.0.1', port: 40112 }, '/tmp/b2/data', settings);
    expect(properties).toMatchObject({
      'broker.id': 2,
      'zookeeper.connect': '127.0.0.1:41234/kafka',
      listeners: 'PLAINTEXT://127.0.0.1:40112',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:40112',
      'log.dirs': '/tmp/b2/data',
      'zookeeper.metadata.migration.enable': false,
    });
    expect(properties).not.toHaveProperty('process.roles');
  });

  it('never asks for more replicas of the internal topics than there are brokers', () => {
    const single = brokerProperties({ id: 1, host: '127.0.0.1', port: 1 }, '/d', {
      ...settings,
      brokerCount: 1,
    });
    expect(single['offsets.topic.replication.factor']).toBe(1);
    expect(single['transaction.state.log.min.isr']).toBe(1);
    const five = brokerProperties({ id: 1, host: '127.0.0.1', port: 1 }, '/d', {
      ...settings,
      brokerCount: 5,
    });
    expect(five['offsets.topic.replication.factor']).toBe(3);
    expect(five['transaction.state.log.min.isr']).toBe(2);
  });

  it('keeps the cleaner buffer above the 1 MB per thread Kafka insists on', () => {
    const properties = brokerProperties({ id: 1, host: 'h', port: 1 }, '/d', settings);
    expect(Number(properties['log.cleaner.dedupe.buffer.size'])).toBeGreaterThan(
      1024 * 1024 * Number(properties['log.cleaner.threads']),
    );
  });

  it('lets extra entries override the defaults', () => {
    const properties = brokerProperties({ id: 1, host: 'h', port: 1 }, '/d', {
      ...settings,
      extra: { 'replica.lag.time.max.ms': 1_000, 'auto.create.topics.enable': false },
    });
    expect(properties['replica.lag.time.max.ms']).toBe(1_000);
    expect(properties['auto.create.topics.enable']).toBe(false);
  });
});

describe('renderProperties', () => {
  it('writes one key=value a line, escaping backslashes', () => {
    expect(renderProperties({ a: 1, b: true, c: 'C:\\data' })).toBe('a=1\nb=true\nc=C:\\\\data\n');
  });
});
