import { describe, expect, it } from 'vitest';
import { CorruptEnvelopeError, decodeEnvelope, encodeEnvelope, envelopeSize } from './item-envelope.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

describe("Curator's queue item envelope", () => {
  it('encodes one item exactly as Curator 5.4.0 does ("hello", curator-wire-format.md §5.1)', () => {
    expect(encodeEnvelope([Buffer.from('hello')])).toEqual(hex('00010001 01 00000005 68656c6c6f 02'));
  });

  it('packs several items of a putMulti into one envelope (m1, m2)', () => {
    expect(encodeEnvelope([Buffer.from('m1'), Buffer.from('m2')])).toEqual(
      hex('00010001 01 00000002 6d31 01 00000002 6d32 02'),
    );
  });

  it('decodes the verified examples back to their items', () => {
    expect(decodeEnvelope(hex('00010001 01 00000005 68656c6c6f 02')).map(String)).toEqual(['hello']);
    expect(decodeEnvelope(hex('00010001 01 00000002 6d31 01 00000002 6d32 02')).map(String)).toEqual([
      'm1',
      'm2',
    ]);
  });

  it('round-trips empty items, binary items and an empty envelope', () => {
    const items = [Buffer.alloc(0), Buffer.from([0, 1, 2, 0xff]), Buffer.alloc(300, 7)];
    expect(decodeEnvelope(encodeEnvelope(items))).toEqual(items);
    expect(encodeEnvelope([])).toEqual(hex('00010001 02'));
    expect(decodeEnvelope(hex('00010001 02'))).toEqual([]);
    expect(envelopeSize([5])).toBe(15);
    expect(envelopeSize([2, 2])).toBe(19);
  });

  it('stops at the terminator, as Curator does, ignoring bytes after it', () => {
    expect(decodeEnvelope(hex('00010001 01 00000001 41 02 ffff')).map(String)).toEqual(['A']);
  });

  it.each([
    ['a wrong version', '00010002 01 00000001 41 02', /version 0x00010002/],
    ['raw bytes (a SimpleDistributedQueue item)', '726177', /only 3 bytes/],
    ['an unknown marker', '00010001 03 02', /unknown marker 0x3/],
    ['no terminator', '00010001 01 00000001 41', /no terminator/],
    ['a length past the end', '00010001 01 00000009 41 02', /runs past the end/],
    ['a negative length', '00010001 01 ffffffff 02', /length -1/],
    ['a cut-off length', '00010001 01 0000', /cut off/],
  ])('refuses %s with CorruptEnvelopeError', (_name, bytes, message) => {
    const attempt = (): unknown => decodeEnvelope(hex(bytes));
    expect(attempt).toThrow(CorruptEnvelopeError);
    expect(attempt).toThrow(message);
  });
});
