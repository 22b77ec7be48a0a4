import { describe, expect, it } from 'vitest';
import { formatIdName, idOfName } from '../src/ids/id-name.ts';
import { namingEnvironment, parseIdTypes } from '../src/service-environment.ts';

describe('ID names', () => {
  it('pad to the widest number of the type’s generator, so that names sort as their numbers', () => {
    expect(formatIdName('job', 'sequential', 42)).toBe('job-0000000042');
    expect(formatIdName('invoice', 'range', 3000n)).toBe('invoice-0000000000000003000');
    expect(formatIdName('invoice', 'range', 2n ** 63n - 1n)).toBe('invoice-9223372036854775807');
    const names = [9, 10, 100, 2 ** 31 - 1].map((id) => formatIdName('job', 'sequential', id));
    expect([...names].sort()).toEqual(names);
    expect(idOfName('my-type-0000000042')).toBe(42n);
    expect(() => idOfName('job-')).toThrow(/not an ID name/);
  });
});

describe('ID_TYPES', () => {
  it('reads sequential and range types, with or without a range size', () => {
    expect(parseIdTypes('job=sequential, invoice=range:500,order=range')).toEqual({
      job: { generator: 'sequential' },
      invoice: { generator: 'range', rangeSize: 500 },
      order: { generator: 'range', rangeSize: 1000 },
    });
    expect(parseIdTypes('')).toEqual({});
  });

  it('refuses what it cannot read, saying which entry', () => {
    expect(() => parseIdTypes('job')).toThrow(/"job" is not <type>=sequential/);
    expect(() => parseIdTypes('Job=sequential')).toThrow(/"Job"/);
    expect(() => parseIdTypes('job=sequential:10')).toThrow(/no range size/);
    expect(() => parseIdTypes('job=range:0')).toThrow(/"job=range:0"/);
    expect(() => parseIdTypes('job=counter')).toThrow(/not <type>=sequential/);
  });
});

describe('the service environment', () => {
  it('takes the command line over the environment, and names a missing or bad setting', () => {
    const env = namingEnvironment(['--port', '8080', '--allowed-hosts', 'naming-1, localhost'], {
      ZK_CONNECT: 'zoo1:2181',
      PORT: '1',
      ID_TYPES: 'job=sequential',
    });
    expect(env).toMatchObject({
      ZK_CONNECT: 'zoo1:2181',
      HOST: '127.0.0.1',
      PORT: 8080,
      ALLOWED_HOSTS: ['naming-1', 'localhost'],
      ID_TYPES: { job: { generator: 'sequential' } },
    });
    expect(() => namingEnvironment([], {})).toThrow(/ZK_CONNECT is required/);
    expect(() => namingEnvironment([], { ZK_CONNECT: 'z:1', ID_TYPES: 'job=x' })).toThrow(
      /ID_TYPES: "job=x"/,
    );
    expect(() => namingEnvironment(['--bogus'], { ZK_CONNECT: 'z:1' })).toThrow(/naming arguments/);
  });
});
