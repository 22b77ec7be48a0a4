import { describe, expect, it } from 'vitest';
import { formatTable } from './table.ts';

describe('formatTable', () => {
  it('pads every column to its widest cell and trims trailing spaces', () => {
    expect(
      formatTable(
        ['server', 'mode'],
        [
          ['127.0.0.1:2281', 'leader'],
          ['h:1', 'down'],
        ],
      ),
    ).toBe(['SERVER          MODE', '127.0.0.1:2281  leader', 'h:1             down'].join('\n'));
  });

  it('prints only the headers for no rows', () => {
    expect(formatTable(['a', 'bb'], [])).toBe('A  BB');
  });
});
