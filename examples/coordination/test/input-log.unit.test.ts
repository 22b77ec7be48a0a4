import { describe, expect, it } from 'vitest';
import type { CoordinationError } from '../src/index.ts';
import { parseInputLog } from '../src/index.ts';
import { shippedRecords } from './support.ts';

describe('the input log', () => {
  it('reads numbered lines in order, skipping blank ones', () => {
    expect(parseInputLog('000001 first\n\n2 second record\n')).toEqual([
      { offset: 1, text: 'first' },
      { offset: 2, text: 'second record' },
    ]);
  });

  it('refuses a gap, a repeat or a line without a number, naming the line', () => {
    const failure = (text: string) => {
      try {
        parseInputLog(text, 'log');
      } catch (error) {
        return error as CoordinationError;
      }
      throw new Error('parsed');
    };
    expect(failure('1 a\n3 c\n')).toMatchObject({
      code: 'BAD_INPUT_LOG',
      message: expect.stringContaining('line 2 has offset 3, expected 2'),
    });
    expect(failure('1 a\n1 a\n').message).toContain('expected 2');
    expect(failure('1 a\nno number\n').message).toContain('line 2 is not "<offset> <text>"');
  });

  it('the shipped log has 600 records numbered 1…600', () => {
    const records = shippedRecords();
    expect(records).toHaveLength(600);
    expect(records.at(-1)?.offset).toBe(600);
  });
});
