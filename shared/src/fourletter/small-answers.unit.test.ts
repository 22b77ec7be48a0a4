import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { parseConf } from './conf.ts';
import { parseIsro, parseRuok } from './health.ts';
import { isNotServingAnswer, isNotWhitelistedAnswer } from './server-answers.ts';
import { parseWchs } from './watches.ts';

describe('parseWchs', () => {
  it('reads the watch summary', () => {
    expect(parseWchs(readFixture('wchs-standalone'))).toEqual({ connections: 1, paths: 2, totalWatches: 2 });
  });
});

describe('parseConf', () => {
  it('reads a standalone configuration', () => {
    const conf = parseConf(readFixture('conf-standalone'));
    expect(conf.get('tickTime')).toBe('500');
    expect(conf.get('minSessionTimeout')).toBe('1000');
    expect(conf.get('serverId')).toBe('0');
  });

  it('reads the membership of a quorum member and skips the "membership:" heading', () => {
    const conf = parseConf(readFixture('conf-follower'));
    expect(conf.get('peerType')).toBe('0');
    expect(conf.get('server.4')).toMatch(/^127\.0\.0\.1:\d+:\d+:observer$/);
    expect(conf.get('version')).toBe('0');
    expect(conf.has('membership')).toBe(false);
  });
});

describe('parseIsro', () => {
  it.each([
    ['isro-rw', 'rw'],
    ['isro-ro', 'ro'],
    ['isro-not-serving', 'not-serving'],
  ])('%s -> %s', (fixture, answer) => {
    expect(parseIsro(readFixture(fixture))).toBe(answer);
  });
});

describe('parseRuok', () => {
  it('is true for imok, which even a server without quorum answers', () => {
    expect(parseRuok(readFixture('ruok-standalone'))).toBe(true);
    expect(parseRuok(readFixture('ruok-not-serving'))).toBe(true);
    expect(parseRuok('')).toBe(false);
  });
});

describe('fixed server sentences', () => {
  it('recognises the whitelist refusal and the not-serving answer', () => {
    expect(isNotWhitelistedAnswer(readFixture('ruok-not-whitelisted'))).toBe(true);
    expect(isNotWhitelistedAnswer(readFixture('ruok-standalone'))).toBe(false);
    expect(isNotServingAnswer(readFixture('cons-not-serving'))).toBe(true);
    expect(isNotServingAnswer(readFixture('srvr-standalone'))).toBe(false);
  });
});
