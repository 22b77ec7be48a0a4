import { describe, expect, it } from 'vitest';
import { cpuTicksFromStat, processCpuMs } from './process-cpu.ts';

describe('cpuTicksFromStat', () => {
  it('adds utime and stime (fields 14 and 15)', () => {
    const stat =
      '4242 (java) S 1 4242 4242 0 -1 4194560 12000 0 3 0 1534 271 0 0 20 0 31 0 5000 3000000000 40000 ' +
      '18446744073709551615 1 1 0 0 0 0 0 2 16800975 0 0 0 17 1 0 0 0 0 0';
    expect(cpuTicksFromStat(stat)).toBe(1534 + 271);
  });

  it('counts fields after the last parenthesis, whatever the command name holds', () => {
    const stat = '77 (node (peer) x) R 1 77 77 0 -1 0 0 0 0 0 40 2 0 0 20 0 11 0 9 1 1';
    expect(cpuTicksFromStat(stat)).toBe(42);
  });

  it('rejects something else', () => {
    expect(() => cpuTicksFromStat('no stat here')).toThrow(/not a \/proc/);
  });
});

describe('processCpuMs', () => {
  it('is undefined without a pid', () => {
    expect(processCpuMs(undefined)).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('reads this process', () => {
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
  });
});
