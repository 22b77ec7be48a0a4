import { describe, expect, it } from 'vitest';
import {
  delayNaming,
  delayPrefix,
  dueTimeOf,
  fifoNaming,
  idNaming,
  idPrefix,
  parseId,
  priorityNaming,
  priorityPrefix,
  requeuePrefix,
  sortItems,
} from './item-naming.ts';

describe('queue item names (curator-wire-format.md §5.2)', () => {
  it('priority: sign digit and 8 uppercase hex digits, lowest priority sorts first', () => {
    expect(priorityPrefix(-1)).toBe('queue-0FFFFFFFF');
    expect(priorityPrefix(0)).toBe('queue-100000000');
    expect(priorityPrefix(5)).toBe('queue-100000005');
    expect(priorityPrefix(-2147483648)).toBe('queue-080000000');
    expect(priorityPrefix(2147483647)).toBe('queue-17FFFFFFF');
    const names = [
      'queue-1000000050000000000',
      'queue-1000000000000000002',
      'queue-0FFFFFFFF0000000001',
      'queue-0800000000000000003',
    ];
    expect(sortItems(names, priorityNaming)).toEqual([
      'queue-0800000000000000003',
      'queue-0FFFFFFFF0000000001',
      'queue-1000000000000000002',
      'queue-1000000050000000000',
    ]);
    expect(() => priorityPrefix(1.5)).toThrow(/32-bit integer/);
    expect(() => priorityPrefix(2 ** 31)).toThrow(/32-bit integer/);
  });

  it('delay: |%08X| due time, sorted by due time, unparsable or missing due time means now', () => {
    expect(delayPrefix(0x1a213c55d94)).toBe('queue-|1A213C55D94|');
    expect(delayPrefix(5)).toBe('queue-|00000005|');
    expect(dueTimeOf('queue-|1A213C55D94|0000000000')).toBe(0x1a213c55d94);
    expect(dueTimeOf('queue-0000000003')).toBe(0);
    expect(dueTimeOf('queue-|zz|0000000003')).toBe(0);
    const names = ['queue-|00000FFF|0000000000', 'queue-|0000000A|0000000001', 'queue-0000000002'];
    expect(sortItems(names, delayNaming)).toEqual([
      'queue-0000000002',
      'queue-|0000000A|0000000001',
      'queue-|00000FFF|0000000000',
    ]);
    expect(() => delayPrefix(-1)).toThrow(/non-negative integer/);
  });

  it('id: / and | become _, ordering ignores the id, the id is parsed back', () => {
    expect(idPrefix('my/id|1')).toBe('queue-|my_id_1|');
    expect(parseId('queue-|my_id_1|0000000000')).toEqual({ id: 'my_id_1', withoutId: 'queue-0000000000' });
    expect(
      sortItems(['queue-|b|0000000001', 'queue-|a|0000000002', 'queue-|c|0000000000'], idNaming),
    ).toEqual(['queue-|c|0000000000', 'queue-|b|0000000001', 'queue-|a|0000000002']);
    expect(() => idPrefix('')).toThrow(/non-empty/);
  });

  it('fifo: name order; children that are not queue- items are ignored', () => {
    expect(sortItems(['queue-0000000002', 'lock', 'queue-0000000001', 'qn-0000000000'], fifoNaming)).toEqual([
      'queue-0000000001',
      'queue-0000000002',
    ]);
  });

  it('a requeued item keeps its variant part', () => {
    expect(requeuePrefix('queue-0000000007')).toBe('queue-');
    expect(requeuePrefix('queue-1000000050000000000')).toBe('queue-100000005');
    expect(requeuePrefix('queue-|my_id_1|0000000000')).toBe('queue-|my_id_1|');
  });
});
