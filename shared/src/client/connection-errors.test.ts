import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZooKeeperClient, ZooKeeperError, parseConnectString } from './index.ts';
import { StateRecorder, TcpProxy, eventually, useZooKeeper } from '../../test-support/index.ts';

const zk = useZooKeeper('connection-errors');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        // A socket nobody reads never sees the peer's FIN, so close() would wait for it forever.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function connectError(
  connectString: string,
  connectTimeoutMs: number,
): Promise<{ error: ZooKeeperError; ms: number }> {
  const started = Date.now();
  const error = await ZooKeeperClient.connect(connectString, {
    connectTimeoutMs,
    sessionTimeoutMs: 3000,
  }).then(
    (client) => {
      cleanups.push(() => client.close());
      throw new Error('connected unexpectedly');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZooKeeperError);
  return { error: error as ZooKeeperError, ms: Date.now() - started };
}

describe('connecting to the wrong place fails clearly within the connect timeout', () => {
  it('a port nobody listens on', async () => {
    const port = await freePort();
    const { error, ms } = await connectError(`127.0.0.1:${port}`, 1500);
    expect(error.code).toBe('CONNECTIONLOSS');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(3000);
  });

  it('a server that accepts connections and never answers (a hung or paused ZooKeeper)', async () => {
    const port = await listen(() => {});
    const { error, ms } = await connectError(`127.0.0.1:${port}`, 2000);
    expect(error.code).toBe('CONNECTIONLOSS');
    expect(error.message).toMatch(
      /(no handshake answer from|waiting for a handshake answer from) 127\.0\.0\.1:\d+/,
    );
    expect(ms).toBeLessThan(3500);
  });

  it('something that is not ZooKeeper (an HTTP server)', async () => {
    const port = await listen((socket) =>
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'),
    );
    const { error } = await connectError(`127.0.0.1:${port}`, 1500);
    expect(error.message).toMatch(/not a ZooKeeper server/);
  });

  it('a host name that does not resolve', async () => {
    const { error } = await connectError('no-such-host.invalid:2199', 1500);
    expect(error.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('a malformed connect string, before any network activity', async () => {
    await expect(ZooKeeperClient.connect('127.0.0.1:99999')).rejects.toThrow(/bad port/);
    await expect(ZooKeeperClient.connect('127.0.0.1:2199/bad//chroot')).rejects.toThrow(/invalid path/);
  });

  it('uses the next server when the first one is down', async () => {
    const port = await freePort();
    const client = await ZooKeeperClient.connect(
      `127.0.0.1:${port},${zk.ensembleConnectString.split(',')[0]}`,
      {
        shuffleServers: false,
      },
    );
    cleanups.push(() => client.close());
    expect(client.connectedServer).toBe(zk.ensembleConnectString.split(',')[0]);
  });
});

describe('requests never wait forever', () => {
  async function viaProxy(sessionTimeoutMs: number): Promise<{ client: ZooKeeperClient; proxy: TcpProxy }> {
    const target = parseConnectString(zk.ensembleConnectString).servers[0]!;
    const proxy = await TcpProxy.start(target);
    cleanups.push(() => proxy.close());
    const client = await ZooKeeperClient.connect(proxy.address + zk.chroot, { sessionTimeoutMs, logger: {} });
    cleanups.push(() => client.close());
    return { client, proxy };
  }

  it('a silent server is dropped after two thirds of the session timeout; in-flight requests fail with CONNECTIONLOSS', async () => {
    const { client, proxy } = await viaProxy(3000);
    const states = new StateRecorder(client);
    expect(client.negotiatedTimeoutMs).toBe(3000);
    proxy.setMode('blackhole');
    const started = Date.now();
    const error = await client.getData('/').catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: 'CONNECTIONLOSS', operation: 'getData' });
    expect((error as Error).message).toMatch(/outcome is unknown/);
    expect(elapsed).toBeGreaterThanOrEqual(1800);
    expect(elapsed).toBeLessThan(3000);
    expect(states.names).toEqual(['suspended']);
  });

  it('while disconnected, a request waits for a connection up to its deadline, then fails OPERATIONTIMEOUT as not sent', async () => {
    const { client, proxy } = await viaProxy(5000);
    proxy.setMode('refuse');
    proxy.sever();
    await client.waitForState(['suspended'], { timeoutMs: 2000 });
    const started = Date.now();
    const error = await client.getData('/', { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toMatchObject({ code: 'OPERATIONTIMEOUT' });
    expect((error as Error).message).toMatch(/not sent within 500 ms/);
  });

  it('while disconnected, a request is sent once the connection is back', async () => {
    const { client, proxy } = await viaProxy(5000);
    const states = new StateRecorder(client);
    proxy.setMode('refuse');
    proxy.sever();
    await states.waitFor('suspended');
    const pending = client.create('/queued-while-down', 'x');
    proxy.setMode('forward');
    expect(await pending).toBe('/queued-while-down');
    expect(states.names).toEqual(['suspended', 'reconnected']);
  });

  it('an AbortSignal cancels a queued request', async () => {
    const { client, proxy } = await viaProxy(5000);
    proxy.setMode('refuse');
    proxy.sever();
    await client.waitForState(['suspended'], { timeoutMs: 2000 });
    const controller = new AbortController();
    const pending = client.getData('/', { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(pending).rejects.toMatchObject({
      code: 'ABORTED',
      message: expect.stringMatching(/before sending/),
    });
    const already = AbortSignal.abort();
    await expect(client.exists('/', { signal: already })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a closed client rejects calls with CLOSED and tells its watchers', async () => {
    const client = await zk.connect();
    const events: unknown[] = [];
    await client.exists('/never', { watch: (event) => events.push(event) });
    await client.close();
    expect(client.state).toBe('closed');
    expect(events).toEqual([{ type: 'none', path: '', state: 'closed' }]);
    await expect(client.getData('/')).rejects.toMatchObject({ code: 'CLOSED', operation: 'getData' });
  });

  it('closing ends the session at once: its ephemerals disappear without waiting for the timeout', async () => {
    const owner = await zk.connect({ sessionTimeoutMs: 30_000 });
    const observer = await zk.connect();
    await owner.create('/short-lived', '', { mode: 'ephemeral' });
    const started = Date.now();
    await owner.close();
    await eventually(async () => expect(await observer.exists('/short-lived')).toBeNull(), {
      timeoutMs: 5000,
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
