import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FourLetterWordError } from './errors.ts';
import { FourLetterClient } from './four-letter-client.ts';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { fourLetterWord } from './send-four-letter-word.ts';

// A stand-in server: it records the word it got and lets each test decide how to answer.
let server: Server | undefined;
const sockets: Socket[] = [];

async function fakeServer(answer: (word: string, socket: Socket) => void): Promise<number> {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.once('data', (data) => answer(data.toString('latin1'), socket));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function failureOf(promise: Promise<unknown>): Promise<FourLetterWordError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FourLetterWordError);
  return error as FourLetterWordError;
}

describe('fourLetterWord', () => {
  it('sends the word and reads the answer until the server closes, across chunks', async () => {
    const port = await fakeServer((word, socket) => {
      socket.write(`you said ${word}\n`);
      setTimeout(() => socket.end('second chunk\n'), 20);
    });
    await expect(fourLetterWord('127.0.0.1', port, 'srvr')).resolves.toBe('you said srvr\nsecond chunk\n');
  });

  it('fails with reason "refused" when nothing listens', async () => {
    // A port that was free a moment ago: listen on it, then stop listening.
    const port = await fakeServer(() => {});
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const error = await failureOf(fourLetterWord('127.0.0.1', port, 'ruok'));
    expect(error).toMatchObject({ reason: 'refused', word: 'ruok', port });
    expect(error.message).toContain(`ruok to 127.0.0.1:${port}`);
  });

  it('fails with reason "timeout" when the server accepts but never answers', async () => {
    const port = await fakeServer(() => {});
    const started = Date.now();
    const error = await failureOf(fourLetterWord('127.0.0.1', port, 'srvr', { timeoutMs: 150 }));
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails with reason "not-whitelisted" when the server refuses the word', async () => {
    const port = await fakeServer((_word, socket) => socket.end(readFixture('ruok-not-whitelisted')));
    const error = await failureOf(fourLetterWord('127.0.0.1', port, 'ruok'));
    expect(error.reason).toBe('not-whitelisted');
    expect(error.message).toContain('4lw.commands.whitelist');
  });

  it('fails with reason "aborted" when the signal fires', async () => {
    const port = await fakeServer(() => {});
    const controller = new AbortController();
    const pending = fourLetterWord('127.0.0.1', port, 'srvr', { signal: controller.signal });
    controller.abort();
    expect((await failureOf(pending)).reason).toBe('aborted');
    expect(
      (await failureOf(fourLetterWord('127.0.0.1', port, 'srvr', { signal: controller.signal }))).reason,
    ).toBe('aborted');
  });
});

describe('FourLetterClient', () => {
  it('parses typed answers and reports a server without quorum', async () => {
    const answers: Record<string, string> = {
      srvr: readFixture('srvr-not-serving'),
      mntr: readFixture('mntr-not-serving'),
      wchs: readFixture('wchs-standalone'),
    };
    const port = await fakeServer((word, socket) => socket.end(answers[word] ?? ''));
    const client = FourLetterClient.forAddress(`127.0.0.1:${port}`);
    await expect(client.srvr()).resolves.toMatchObject({ serving: false });
    await expect(client.wchs()).resolves.toEqual({ connections: 1, paths: 2, totalWatches: 2 });
    expect((await failureOf(client.mntr())).reason).toBe('not-serving');
  });

  it('wraps an answer it cannot parse as "unexpected-answer"', async () => {
    const port = await fakeServer((_word, socket) => socket.end('something else\n'));
    const error = await failureOf(new FourLetterClient('127.0.0.1', port).isro());
    expect(error.reason).toBe('unexpected-answer');
  });

  it('accepts host:port and [ipv6]:port', () => {
    expect(FourLetterClient.forAddress('[::1]:2281')).toMatchObject({ host: '::1', port: 2281 });
    expect(FourLetterClient.forAddress('zk1.example:2281').address).toBe('zk1.example:2281');
    expect(() => FourLetterClient.forAddress('zk1')).toThrow(TypeError);
  });
});
