import { describe, expect, it } from 'vitest';
import { roundOrder } from './rounds.ts';

describe('roundOrder', () => {
  it('alternates two contenders', () => {
    expect([0, 1, 2].map((round) => roundOrder(['ts', 'java'], round))).toEqual([
      ['ts', 'java'],
      ['java', 'ts'],
      ['ts', 'java'],
    ]);
  });

  it('puts each of three contenders first once every three rounds', () => {
    const firsts = [0, 1, 2].map((round) => roundOrder(['ts', 'java', 'curator'], round)[0]);
    expect(firsts).toEqual(['ts', 'java', 'curator']);
  });

  it('rejects a negative round', () => {
    expect(() => roundOrder(['ts'], -1)).toThrow(RangeError);
  });
});
