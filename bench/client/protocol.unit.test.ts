import { describe, expect, it } from 'vitest';
import { formatRunArguments, parseRunArguments, type RunArguments } from './protocol.ts';

describe('child arguments', () => {
  const run: RunArguments = {
    workload: 'creates',
    connect: '127.0.0.1:2181/chroot',
    path: '/bench/creates-0-ts',
    count: 5000,
    warmup: 1000,
    payloadBytes: 100,
  };

  it('survive the trip through argv, in the order ClientBench.java reads them', () => {
    const argv = formatRunArguments(run);
    expect(argv).toEqual(['creates', '127.0.0.1:2181/chroot', '/bench/creates-0-ts', '5000', '1000', '100']);
    expect(parseRunArguments(argv)).toEqual(run);
  });

  it('reject an unknown workload or a count that is not a whole number', () => {
    expect(() => parseRunArguments(['deletes', 'h:1', '/p', '1', '1', '1'])).toThrow(/usage/);
    expect(() => parseRunArguments(['reads', 'h:1', '/p', '1.5', '1', '1'])).toThrow(
      /count must be a whole number/,
    );
  });
});
