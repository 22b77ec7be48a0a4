import { afterEach, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from './zookeeper-client.ts';

// How the API reports misuse, without a server: every method rejects rather than throws, and an
// already-aborted signal is honoured at once.

const clients: ZooKeeperClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** A client that is never started: nothing it does here may need a server. */
function idleClient(): ZooKeeperClient {
  const client = new ZooKeeperClient('127.0.0.1:9', { logger: {} });
  clients.push(client);
  return client;
}

describe('argument errors reject, they do not throw', () => {
  it('addWatch with a bad path rejects with BADARGUMENTS like every other method', async () => {
    const client = idleClient();
    let returned: Promise<void> | undefined;
    expect(() => {
      returned = client.addWatch('no-leading-slash', () => {});
    }).not.toThrow();
    await expect(returned).rejects.toMatchObject({ code: 'BADARGUMENTS', operation: 'addWatch' });
    await expect(client.getData('bad')).rejects.toMatchObject({ code: 'BADARGUMENTS', operation: 'getData' });
  });
});

describe('waiting for a state', () => {
  it('an already-aborted signal rejects at once with ABORTED, not CONNECTIONLOSS at the timeout', async () => {
    const client = idleClient();
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const started = Date.now();
    await expect(
      client.waitForConnected({ timeoutMs: 5_000, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED', operation: 'waitForState' });
    await expect(
      client.waitForState(['connected'], { timeoutMs: 5_000, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a signal aborted while waiting rejects with ABORTED', async () => {
    const client = idleClient();
    const controller = new AbortController();
    const waiting = client.waitForConnected({ timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
