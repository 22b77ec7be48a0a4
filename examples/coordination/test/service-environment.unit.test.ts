import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LOG, monitorEnvironment, workerEnvironment } from '../src/index.ts';

describe('service settings', () => {
  it('reads the contract variables, the flags winning over them, with the demo defaults', () => {
    const env = workerEnvironment(['--port', '9001', '--allowed-hosts', 'worker, localhost'], {
      ZK_CONNECT: 'zk1:2181/app',
      PORT: '8000',
      INSTANCE_ID: 'worker-2',
    });
    expect(env).toMatchObject({
      ZK_CONNECT: 'zk1:2181/app',
      HOST: '127.0.0.1',
      PORT: 9001,
      INSTANCE_ID: 'worker-2',
      ALLOWED_HOSTS: ['worker', 'localhost'],
      INPUT_LOG: DEFAULT_INPUT_LOG,
      BATCH_SIZE: 1,
      RECORDS_PER_SECOND: 10,
      HEARTBEAT_MS: 500,
    });
    expect(monitorEnvironment([], { ZK_CONNECT: 'zk1:2181' }).LATE_AFTER_MS).toBe(1_500);
  });

  it('says which setting is wrong', () => {
    expect(() => workerEnvironment([], {})).toThrow('ZK_CONNECT is required');
    expect(() => workerEnvironment([], { ZK_CONNECT: 'zk:1', BATCH_SIZE: '0' })).toThrow(/BATCH_SIZE/);
    expect(() => workerEnvironment([], { ZK_CONNECT: 'zk:1', INSTANCE_ID: 'a/b' })).toThrow(/INSTANCE_ID/);
    expect(() => monitorEnvironment(['--bogus'], { ZK_CONNECT: 'zk:1' })).toThrow(/monitor arguments/);
  });
});
