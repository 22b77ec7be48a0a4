import { createServer, type Server } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CrashWatch } from '../../test-support/crash-watch.ts';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { parseCons, parseConnectionLine } from './connections.ts';
import { parseConf } from './conf.ts';
import { FourLetterParseError, FourLetterWordError } from './errors.ts';
import { FourLetterClient } from './four-letter-client.ts';
import { parseIsro, parseRuok } from './health.ts';
import { parseMntr } from './monitor.ts';
import { parseServerStats } from './server-stats.ts';
import { parseWchs } from './watches.ts';

// A server (or whatever listens on the port) may answer anything. Each parser either returns a
// value or throws a FourLetterParseError, never anything else; the client turns that into a
// FourLetterWordError with reason 'unexpected-answer'.

const RUNS = Number(process.env.ZK_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.ZK_FUZZ_SEED ?? 13);

const parsers: Record<string, (text: string) => unknown> = {
  mntr: parseMntr,
  srvr: (text) => parseServerStats(text, 'srvr'),
  stat: (text) => parseServerStats(text, 'stat'),
  cons: parseCons,
  'cons line': (text) => parseConnectionLine('cons', text),
  isro: parseIsro,
  ruok: parseRuok,
  wchs: parseWchs,
  conf: parseConf,
};

const fixtures = [
  'mntr-leader',
  'mntr-follower',
  'srvr-leader',
  'srvr-read-only',
  'stat-standalone',
  'cons-standalone',
  'isro-rw',
  'wchs-standalone',
  'conf-leader',
].map(readFixture);

/** Real answers, damaged: cut short, lines dropped or duplicated, characters replaced. */
const damagedAnswer = fc
  .tuple(
    fc.constantFrom(...fixtures),
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('repeatLine' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: fc.string({ maxLength: 8 }) }),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([answer, edits]) => {
    let text = answer;
    for (const edit of edits) {
      const lines = text.split('\n');
      const line = lines.length === 0 ? 0 : edit.at % lines.length;
      if (edit.kind === 'cut') text = text.slice(0, edit.at % (text.length + 1));
      else if (edit.kind === 'dropLine') text = lines.filter((_, i) => i !== line).join('\n');
      else if (edit.kind === 'repeatLine')
        text = [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
      else {
        const at = edit.at % (text.length + 1);
        text = text.slice(0, at) + edit.with + text.slice(at + edit.with.length);
      }
    }
    return text;
  });

const anyAnswer = fc.oneof(
  damagedAnswer,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  // answer-like lines with odd keys, including ones that name Object.prototype members
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'sid', 'zk_version', 'Mode', 'Zxid'),
          fc.string(),
        ),
        fc.constantFrom('\t', ': ', '=', ','),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 12 },
    )
    .map((lines) => lines.map((parts) => parts.join('')).join('\n')),
  fc.string().map((fields) => ` /127.0.0.1:1[1](${fields})`),
);

describe('four-letter-word parsers on garbage (fast-check)', () => {
  it.each(Object.keys(parsers))('%s returns a value or throws FourLetterParseError', (word) => {
    const parse = parsers[word]!;
    fc.assert(
      fc.property(anyAnswer, (text) => {
        try {
          parse(text);
        } catch (error) {
          if (!(error instanceof FourLetterParseError)) throw error;
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

it('keeps a connection field named __proto__ as data (on a plain object it vanished into the prototype)', () => {
  const line = parseConnectionLine(
    'cons',
    ' /10.0.0.1:5[1](queued=0,recved=1,sent=1,__proto__=x,constructor=y)',
  );
  expect(line.fields['__proto__']).toBe('x');
  expect(line.fields['constructor']).toBe('y');
});

describe('a server answering garbage', () => {
  const crashes = new CrashWatch();
  let server: Server | undefined;

  afterEach(async () => {
    crashes.uninstall();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  async function answering(
    answer: Buffer | ((write: (bytes: Buffer) => boolean) => void),
  ): Promise<FourLetterClient> {
    server = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => {
        if (Buffer.isBuffer(answer)) socket.end(answer);
        else answer((bytes) => socket.write(bytes));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return new FourLetterClient('127.0.0.1', address.port, { timeoutMs: 2000 });
  }

  it.each(['mntr', 'srvr', 'cons', 'isro', 'wchs'] as const)(
    '%s: garbage is a FourLetterWordError "unexpected-answer"',
    async (word) => {
      crashes.install();
      const client = await answering(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n\u0000\u00ff junk'));
      const error = await client[word]().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(FourLetterWordError);
      expect((error as FourLetterWordError).reason).toBe('unexpected-answer');
      expect(crashes.events()).toEqual([]);
    },
  );

  it('an answer that never ends is cut off at maxAnswerBytes, not buffered until the deadline', async () => {
    crashes.install();
    const client = await answering((write) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (write(chunk));
      };
      pump();
      const timer = setInterval(pump, 5);
      setTimeout(() => clearInterval(timer), 2000).unref();
    });
    const started = Date.now();
    const error = await client.raw('cons', { maxAnswerBytes: 1024 * 1024 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FourLetterWordError);
    expect((error as FourLetterWordError).reason).toBe('unexpected-answer');
    expect((error as FourLetterWordError).message).toMatch(/more than 1048576 bytes/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(crashes.events()).toEqual([]);
  });
});
