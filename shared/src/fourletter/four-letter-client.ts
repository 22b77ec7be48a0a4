import { parseConf } from './conf.ts';
import { parseCons, type ClientConnection } from './connections.ts';
import { FourLetterParseError, FourLetterWordError } from './errors.ts';
import { parseIsro, parseRuok, type IsroAnswer } from './health.ts';
import { parseMntr, type Mntr } from './monitor.ts';
import { fourLetterWord, type FourLetterWordOptions } from './send-four-letter-word.ts';
import { isNotServingAnswer } from './server-answers.ts';
import { parseServerStats, type ServerStats } from './server-stats.ts';
import { parseWchs, type WatchSummary } from './watches.ts';
import type { FourLetterWord } from './words.ts';

/**
 * Typed four-letter words for one server. Each call opens its own connection, as the protocol
 * requires; the client holds only the address and default options.
 */
export class FourLetterClient {
  constructor(
    readonly host: string,
    readonly port: number,
    private readonly defaults: FourLetterWordOptions = {},
  ) {}

  /** Accepts `host:port` or `[ipv6]:port`. */
  static forAddress(address: string, defaults: FourLetterWordOptions = {}): FourLetterClient {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
    if (!match) throw new TypeError(`not a host:port address: "${address}"`);
    return new FourLetterClient(match[1] ?? '', Number(match[2]), defaults);
  }

  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  raw(word: FourLetterWord, options?: FourLetterWordOptions): Promise<string> {
    return fourLetterWord(this.host, this.port, word, { ...this.defaults, ...options });
  }

  /** Mode, zxid, counters; `{ serving: false }` when the server has no quorum. */
  srvr(options?: FourLetterWordOptions): Promise<ServerStats> {
    return this.parsed('srvr', options, (text) => parseServerStats(text, 'srvr'));
  }

  /** `srvr` plus the list of client connections. */
  stat(options?: FourLetterWordOptions): Promise<ServerStats> {
    return this.parsed('stat', options, (text) => parseServerStats(text, 'stat'));
  }

  mntr(options?: FourLetterWordOptions): Promise<Mntr> {
    return this.parsedWhenServing('mntr', options, parseMntr);
  }

  cons(options?: FourLetterWordOptions): Promise<ClientConnection[]> {
    return this.parsedWhenServing('cons', options, parseCons);
  }

  wchs(options?: FourLetterWordOptions): Promise<WatchSummary> {
    return this.parsedWhenServing('wchs', options, parseWchs);
  }

  conf(options?: FourLetterWordOptions): Promise<ReadonlyMap<string, string>> {
    return this.parsedWhenServing('conf', options, parseConf);
  }

  isro(options?: FourLetterWordOptions): Promise<IsroAnswer> {
    return this.parsed('isro', options, parseIsro);
  }

  ruok(options?: FourLetterWordOptions): Promise<boolean> {
    return this.parsed('ruok', options, parseRuok);
  }

  private async parsed<T>(
    word: FourLetterWord,
    options: FourLetterWordOptions | undefined,
    parse: (text: string) => T,
  ): Promise<T> {
    const text = await this.raw(word, options);
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof FourLetterParseError)) throw error;
      throw new FourLetterWordError('unexpected-answer', word, this.host, this.port, error.message, {
        cause: error,
      });
    }
  }

  // Words whose data only exists while the server serves: the "not serving" sentence is an error here.
  private parsedWhenServing<T>(
    word: FourLetterWord,
    options: FourLetterWordOptions | undefined,
    parse: (text: string) => T,
  ): Promise<T> {
    return this.parsed(word, options, (text) => {
      if (isNotServingAnswer(text)) {
        throw new FourLetterWordError(
          'not-serving',
          word,
          this.host,
          this.port,
          'the server is up but not serving requests (no quorum yet?)',
        );
      }
      return parse(text);
    });
  }
}
