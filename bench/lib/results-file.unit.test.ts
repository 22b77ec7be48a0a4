import { describe, expect, it } from 'vitest';
import { fileTimestamp } from './results-file.ts';

describe('fileTimestamp', () => {
  it('is UTC, sortable, and free of characters file systems dislike', () => {
    expect(fileTimestamp(new Date('2025-11-25T17:58:21.123Z'))).toBe('20251125-175821');
  });
});
