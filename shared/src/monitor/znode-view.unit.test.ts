import { describe, expect, it } from 'vitest';
import { Perms } from '../client/index.ts';
import { MAX_PREVIEW_BYTES, aclView, dataView, statView } from './znode-view.ts';

describe('dataView', () => {
  it('parses JSON and still offers text and hex', () => {
    expect(dataView(Buffer.from('{"a":[1,2]}'))).toEqual({
      size: 11,
      format: 'json',
      text: '{"a":[1,2]}',
      json: { a: [1, 2] },
      hex: '7b2261223a5b312c325d7d',
      truncated: false,
    });
  });

  it('shows UTF-8 text as text', () => {
    expect(dataView(Buffer.from('héllo\nwörld\t!'))).toMatchObject({
      format: 'text',
      text: 'héllo\nwörld\t!',
    });
  });

  it('calls bytes binary when they are not UTF-8 or hold control characters', () => {
    expect(dataView(Buffer.from([0xff, 0xfe, 0x41]))).toMatchObject({
      format: 'binary',
      text: null,
      hex: 'fffe41',
    });
    expect(dataView(Buffer.from([0x41, 0x00, 0x42]))).toMatchObject({ format: 'binary', text: null });
  });

  it('says "null" for null data, which is not the same as empty', () => {
    expect(dataView(Buffer.alloc(0), true)).toEqual({
      size: 0,
      format: 'null',
      text: null,
      hex: '',
      truncated: false,
    });
    expect(dataView(Buffer.alloc(0))).toMatchObject({ size: 0, format: 'empty' });
  });

  it('says empty for no data', () => {
    expect(dataView(new Uint8Array(0))).toEqual({
      size: 0,
      format: 'empty',
      text: '',
      hex: '',
      truncated: false,
    });
  });

  it('previews only the start of large data, even when the cut splits a character', () => {
    const large = Buffer.from(`${'a'.repeat(MAX_PREVIEW_BYTES - 1)}é${'b'.repeat(100)}`);
    const view = dataView(large);
    expect(view).toMatchObject({ size: large.length, format: 'text', truncated: true });
    expect(view.text).toBe('a'.repeat(MAX_PREVIEW_BYTES - 1));
    expect(view.hex.length).toBe(MAX_PREVIEW_BYTES * 2);
  });
});

describe('statView and aclView', () => {
  it('prints zxids and owners as hex and times as ISO strings', () => {
    const view = statView({
      czxid: 0x100000002n,
      mzxid: 0x100000005n,
      pzxid: 0x100000002n,
      ctime: Date.UTC(2026, 0, 2, 3, 4, 5),
      mtime: Date.UTC(2026, 0, 2, 3, 4, 6),
      version: 3,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: 0x10000061dcc0000n,
      dataLength: 11,
      numChildren: 0,
    });
    expect(view).toMatchObject({
      czxid: '0x100000002',
      mzxid: '0x100000005',
      ctime: '2026-01-02T03:04:05.000Z',
      ephemeralOwner: '0x10000061dcc0000',
      version: 3,
    });
    expect(statView({ ...zeroStat, ephemeralOwner: 0n }).ephemeralOwner).toBeNull();
  });

  it('lists ACL entries with zkCli permission letters', () => {
    expect(
      aclView([
        { perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } },
        { perms: Perms.READ | Perms.WRITE, id: { scheme: 'digest', id: 'app:hash=' } },
      ]),
    ).toEqual([
      { scheme: 'world', id: 'anyone', perms: 'cdrwa' },
      { scheme: 'digest', id: 'app:hash=', perms: 'rw' },
    ]);
  });
});

const zeroStat = {
  czxid: 0n,
  mzxid: 0n,
  pzxid: 0n,
  ctime: 0,
  mtime: 0,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
};
