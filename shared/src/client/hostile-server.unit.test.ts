import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrashWatch } from '../../test-support/crash-watch.ts';
import { eventually } from '../../test-support/eventually.ts';
import { liveHeapBytes } from '../../test-support/heap.ts';
import {
  FakeZooKeeperServer,
  connectResponse,
  replyFrame,
  type FakeServerConnection,
} from '../../test-support/fake-zookeeper-server.ts';
import { ZooKeeperError } from './errors.ts';
import type { Logger } from './logger.ts';
import { ReconnectBackoff } from './reconnect-backoff.ts';
import { ZooKeeperClient, type ZooKeeperClientOptions } from './zookeeper-client.ts';

// Each case of issue 13, with the bytes it was found with. A fake server completes a valid
// handshake and then misbehaves; the client must neither crash the process nor strand a request.

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** xid -1 (notification), zxid -1, err 0, then only the event type: state and path are missing. */
const TRUNCATED_NOTIFICATION = hex('00 00 00 14 ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 00 00 00 00 03');
/** a notification with a header and no body at all */
const EMPTY_NOTIFICATION = hex('00 00 00 10 ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 00');
/** a notification whose path claims 0x7fffffff bytes */
const HUGE_PATH_NOTIFICATION = hex(
  '00 00 00 1c ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 00 00 00 00 03 00 00 00 03 7f ff ff ff',
);
const JUNK_FRAME = hex('00 00 00 05 6a 75 6e 6b 21');

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  object: object;
}

const crashes = new CrashWatch();
const servers: FakeZooKeeperServer[] = [];
const clients: ZooKeeperClient[] = [];

beforeEach(() => crashes.install());

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  crashes.uninstall();
});

async function fakeServer(onConnection?: (connection: FakeServerConnection) => void | Promise<void>) {
  const server = await FakeZooKeeperServer.start(onConnection ? { onConnection } : {});
  servers.push(server);
  return server;
}

function clientOf(server: FakeZooKeeperServer, options: ZooKeeperClientOptions = {}) {
  const logs: LogLine[] = [];
  const record =
    (level: LogLine['level']) =>
    (object: object, message: string): void =>
      void logs.push({ level, message, object });
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const client = new ZooKeeperClient(server.connectString, {
    sessionTimeoutMs: 4000,
    requestTimeoutMs: 2000,
    connectTimeoutMs: 3000,
    logger,
    ...options,
  });
  clients.push(client);
  const warnings = (): string[] =>
    logs.filter((line) => line.level === 'warn').map((line) => JSON.stringify(line.object));
  return { client, logs, warnings };
}

/** What the reconnect backoff promises: never two attempts closer than its smallest pause. */
function expectSpacedByBackoff(acceptedAt: readonly number[]): void {
  for (let i = 1; i < acceptedAt.length; i++)
    expect(acceptedAt[i]! - acceptedAt[i - 1]!).toBeGreaterThanOrEqual(ReconnectBackoff.MIN_DELAY_MS - 1);
}

async function rejection(promise: Promise<unknown>): Promise<ZooKeeperError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ZooKeeperError);
  return error as ZooKeeperError;
}

describe('a hostile server cannot crash the process or strand a request (issue 13)', () => {
  describe('case 1: a malformed watch notification after the handshake', () => {
    it.each([
      ['type only (truncated)', TRUNCATED_NOTIFICATION],
      ['empty body', EMPTY_NOTIFICATION],
      ['path length 0x7fffffff', HUGE_PATH_NOTIFICATION],
    ])('%s: the connection is dropped with a warning and the session reconnects', async (_, bytes) => {
      const server = await fakeServer(async (connection) => {
        connection.sendHandshake();
        if (connection.index === 0) {
          await eventually(() => expect(client.state).toBe('connected'));
          connection.send(bytes);
        }
      });
      const { client, warnings } = clientOf(server);
      const suspended = new Promise((resolve) => client.once('suspended', resolve));
      client.start();
      await suspended;
      await eventually(() => expect(server.connections).toBe(2));
      await client.waitForConnected({ timeoutMs: 3000 });
      expect(warnings().join('\n')).toMatch(/protocol error.*malformed watch notification/);
      expectSpacedByBackoff(server.acceptedAt);
      expect(crashes.events()).toEqual([]);
    });
  });

  it('case 2: the same notification in the handshake write neither rejects unhandled nor sticks in connecting', async () => {
    const server = await fakeServer((connection) =>
      connection.sendHandshake(connection.index === 0 ? TRUNCATED_NOTIFICATION : undefined),
    );
    const { client, warnings } = clientOf(server);
    const events: string[] = [];
    client.on('state', (change) => events.push(change.event));
    client.start();
    await eventually(() => expect(server.connections).toBe(2));
    await eventually(() => expect(client.state).toBe('connected'));
    // The first session was set up, then lost to the bad frame; the second one lasts.
    expect(events).toEqual(['connected', 'suspended', 'reconnected']);
    expect(warnings().join('\n')).toMatch(/malformed watch notification/);
    expect(crashes.events()).toEqual([]);
  });

  it('case 3: junk in the handshake write with a request queued fails that request, no TypeError', async () => {
    const server = await fakeServer((connection) =>
      connection.sendHandshake(connection.index === 0 ? JUNK_FRAME : undefined),
    );
    const { client } = clientOf(server);
    const queued = client.getData('/queued');
    client.start();
    const error = await rejection(queued);
    expect(error.code).toBe('CONNECTIONLOSS');
    expect(error.operation).toBe('getData');
    expect(error.message).toMatch(/protocol error .*reply header/);
    await eventually(() => expect(client.state).toBe('connected'));
    expect(client.pendingRequests).toBe(0);
    expect(crashes.events()).toEqual([]);
  });

  it('case 4: a reply with an unexpected xid (1001 for 1) is a protocol error that settles the request', async () => {
    const server = await fakeServer(async (connection) => {
      connection.sendHandshake();
      if (connection.index > 0) return;
      const request = await connection.nextRequest();
      expect(request.xid).toBe(1);
      connection.send(replyFrame(1001, 0));
    });
    const { client, warnings } = clientOf(server);
    client.start();
    await client.waitForConnected();
    const started = Date.now();
    const error = await rejection(client.getData('/x', { timeoutMs: 1500 }));
    // Settled by the connection loss at once, not by the deadline.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('CONNECTIONLOSS');
    expect(error.message).toMatch(/reply xid 1001 does not match the oldest request xid 1/);
    expect(warnings().join('\n')).toMatch(/xid 1001/);
    expect(client.pendingRequests).toBe(0);
    await client.close();
    expect(client.state).toBe('closed');
    expect(crashes.events()).toEqual([]);
  });

  describe('case 5: a handshake that would make the client reconnect in a loop', () => {
    const randomBody = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 97 + 13) & 0xff));
    it.each([
      [
        'session timeout 0',
        hex('00000025 00000000 00000000 0000000012345678 00000010' + '07'.repeat(16) + '00'),
      ],
      [
        'session timeout -1',
        hex('00000025 00000000 ffffffff 0000000012345678 00000010' + '07'.repeat(16) + '00'),
      ],
      [
        'session timeout 1 ms',
        hex('00000025 00000000 00000001 0000000012345678 00000010' + '07'.repeat(16) + '00'),
      ],
      ['40 random bytes in a valid frame', Buffer.concat([hex('00000028'), randomBody])],
    ])('%s: connections are spaced by the backoff', async (_, handshake) => {
      const server = await fakeServer((connection) => connection.send(handshake));
      const { client } = clientOf(server);
      client.start();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const inTwoSeconds = server.connections;
      await client.close();
      // 50–100, 100–200, 200–400, 400–800, 800–1600 ms: at most 6 attempts fit in 2 s (was 4,891–9,614).
      expect(inTwoSeconds).toBeGreaterThanOrEqual(2);
      expect(inTwoSeconds).toBeLessThanOrEqual(6);
      expectSpacedByBackoff(server.acceptedAt);
      expect(crashes.events()).toEqual([]);
    });
  });

  describe('case 6: the smaller ones', () => {
    it('a body that does not decode rejects that request with MARSHALLINGERROR; the others lose the connection', async () => {
      const server = await fakeServer(async (connection) => {
        connection.sendHandshake();
        if (connection.index > 0) return;
        const first = await connection.nextRequest();
        await connection.nextRequest();
        // data length 100, three bytes present
        connection.send(replyFrame(first.xid, 0, hex('00000064 616263')));
      });
      const { client } = clientOf(server);
      client.start();
      await client.waitForConnected();
      const [first, second] = await Promise.allSettled([client.getData('/a'), client.exists('/b')]);
      expect(first.status).toBe('rejected');
      const malformed = (first as PromiseRejectedResult).reason as ZooKeeperError;
      expect(malformed).toBeInstanceOf(ZooKeeperError);
      expect(malformed.code).toBe('MARSHALLINGERROR');
      expect(malformed.operation).toBe('getData');
      expect(malformed.path).toBe('/a');
      expect(malformed.message).toMatch(/malformed getData reply: packet truncated/);
      const lost = (second as PromiseRejectedResult).reason as ZooKeeperError;
      expect(lost.code).toBe('CONNECTIONLOSS');
      expect(lost.operation).toBe('exists');
      await eventually(() => expect(client.state).toBe('connected'));
      expect(crashes.events()).toEqual([]);
    });

    it.each([
      ['getChildren, count -1', 'getChildren', 'ffffffff'],
      ['getChildren, count -2', 'getChildren', 'fffffffe'],
      ['getACL, count -1', 'getACL', 'ffffffff'],
      ['whoAmI, count -1', 'whoAmI', 'ffffffff'],
      ['getEphemerals, count -1', 'getEphemerals', 'ffffffff'],
    ] as const)('a negative vector length (%s) is MARSHALLINGERROR, not []', async (_, operation, count) => {
      const server = await fakeServer(async (connection) => {
        connection.sendHandshake();
        if (connection.index > 0) return;
        const request = await connection.nextRequest();
        connection.send(replyFrame(request.xid, 0, Buffer.concat([hex(count), Buffer.alloc(68)])));
      });
      const { client } = clientOf(server);
      client.start();
      await client.waitForConnected();
      const calls = {
        getChildren: () => client.getChildren('/n'),
        getACL: () => client.getACL('/n'),
        whoAmI: () => client.whoAmI(),
        getEphemerals: () => client.getEphemerals('/'),
      };
      const call = calls[operation]();
      const error = await rejection(call);
      expect(error.code).toBe('MARSHALLINGERROR');
      expect(error.operation).toBe(operation);
      expect(crashes.events()).toEqual([]);
    });

    it.each([
      ['-1', 'ffffffff', /session password is null/],
      ['-2', 'fffffffe', /negative buffer length -2/],
    ])('a password length of %s fails the handshake', async (_, length, reason) => {
      const handshake = hex('00000025 00000000 00000fa0 0000000012345678' + length + '07'.repeat(16) + '00');
      const server = await fakeServer((connection) => connection.send(handshake));
      const { client } = clientOf(server);
      client.start();
      const error = await rejection(client.waitForConnected({ timeoutMs: 600 }));
      expect(error.code).toBe('CONNECTIONLOSS');
      expect(error.message).toMatch(reason);
      expect(client.state).toBe('connecting');
      expectSpacedByBackoff(server.acceptedAt);
      expect(crashes.events()).toEqual([]);
    });

    it('a handshake frame announcing 64 MiB is refused at once instead of buffered', async () => {
      let dropped = 0;
      const server = await fakeServer((connection) => {
        connection.send(hex('04000000') /* 64 MiB */);
        connection.send(Buffer.alloc(64 * 1024, 1));
        const started = Date.now();
        const poll = setInterval(() => {
          if (!connection.closed) return;
          dropped = Date.now() - started;
          clearInterval(poll);
        }, 5);
      });
      const { client } = clientOf(server);
      client.start();
      const error = await rejection(client.waitForConnected({ timeoutMs: 500 }));
      expect(error.message).toMatch(/packet length 67108864 outside 0\.\.1024/);
      expect(dropped).toBeGreaterThan(0);
      expect(dropped).toBeLessThan(500);
      expect(crashes.events()).toEqual([]);
    });

    it('timed-out requests leave at once; their late replies are recognised and dropped', async () => {
      let answerFirst: (() => void) | undefined;
      const server = await fakeServer(async (connection) => {
        // A long session timeout: queueing 20,000 calls may stall a loaded machine for seconds, and
        // the read deadline (two thirds of it) must not end the connection this test watches.
        connection.send(connectResponse(60_000));
        const first = await connection.nextRequest();
        connection.discardRequests();
        // Answer nothing until the test says so, then only the very first request, long overdue.
        await new Promise<void>((resolve) => (answerFirst = resolve));
        connection.send(replyFrame(first.xid, -101 /* NONODE */));
      });
      const { client, warnings } = clientOf(server);
      client.start();
      await client.waitForConnected();
      const count = 20_000;
      const heapBefore = liveHeapBytes();
      const codes = new Set<string>();
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          client.exists(`/n${i}`, { timeoutMs: 200 }).then(
            () => codes.add('resolved'),
            (error: ZooKeeperError) => codes.add(error.code),
          ),
        ),
      );
      expect(codes).toEqual(new Set(['OPERATIONTIMEOUT']));
      expect(client.pendingRequests).toBe(0);
      // Measured once the socket has written everything, so its send buffer is not counted.
      await eventually(() => expect(server.requestsReceived).toBe(count));
      // What stays behind is one number per xid, until its reply or the connection's end (before:
      // the whole request, 37.5 MB for these 20,000).
      const heapGrowthMb = (liveHeapBytes() - heapBefore) / 1024 / 1024;
      expect(heapGrowthMb).toBeLessThan(2);
      answerFirst!();
      // The late reply to xid 1 is expected and dropped: the connection survives and serves on.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.state).toBe('connected');
      expect(server.connections).toBe(1);
      expect(warnings()).toEqual([]);
      expect(crashes.events()).toEqual([]);
    });
  });

  it('a session timeout ≤ 0 on resumption still reads as expiry (and waits for the backoff)', async () => {
    const expired = hex('00000025 00000000 00000000 0000000000000000 00000010' + '00'.repeat(16) + '00');
    const server = await fakeServer((connection) => {
      if (connection.index === 1) connection.send(expired);
      else connection.sendHandshake();
    });
    const { client } = clientOf(server);
    client.start();
    await client.waitForConnected();
    const lost = new Promise((resolve) => client.once('lost', resolve));
    client.dropConnection();
    await lost;
    await eventually(() => expect(client.state).toBe('connected'));
    expect(server.connections).toBe(3);
    expectSpacedByBackoff(server.acceptedAt.slice(1));
    expect(crashes.events()).toEqual([]);
  });
});
