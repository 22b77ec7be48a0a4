import { describe, expect, it } from 'vitest';
import { adler32 } from './adler32.ts';
import { decodeTxnLog } from './txn-log.ts';
import { PersistenceFormatError } from './errors.ts';
import { nodeKind } from './node-kind.ts';
import { zxidFromFileName, splitZxid } from './zxid.ts';

describe('the persistence decoder building blocks', () => {
  it('computes Adler-32 as java.util.zip.Adler32 does', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    // Long enough to cross the modulo blocks.
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(0x149a302c);
  });

  it('reads zxids from file names and splits them into epoch and counter', () => {
    expect(zxidFromFileName('log.200000001')).toEqual({ kind: 'log', zxid: 0x200000001n });
    expect(zxidFromFileName('snapshot.1a.gz')).toEqual({ kind: 'snapshot', zxid: 0x1an });
    expect(zxidFromFileName('myid')).toBeUndefined();
    expect(splitZxid(0x300000007n)).toEqual({ epoch: 3, counter: 7 });
  });

  it('tells node kinds from the stored ephemeralOwner', () => {
    expect(nodeKind(0n)).toEqual({ kind: 'persistent' });
    expect(nodeKind(-0x8000_0000_0000_0000n)).toEqual({ kind: 'container' });
    expect(nodeKind(BigInt.asIntN(64, 0xff00_0000_0000_ea60n))).toEqual({ kind: 'ttl', ttlMs: 60_000 });
    expect(nodeKind(0x1000_03f4_c690_000n)).toEqual({ kind: 'ephemeral', sessionId: 0x1000_03f4_c690_000n });
  });

  it('refuses a file that is not a transaction log, naming what it found', () => {
    const snapshotHeader = Buffer.from('5a4b534e00000002ffffffffffffffff', 'hex');
    expect(() => decodeTxnLog('snapshot.0', snapshotHeader)).toThrow(PersistenceFormatError);
    expect(() => decodeTxnLog('snapshot.0', snapshotHeader)).toThrow(/"ZKSN" is not ZKLG/);
  });
});
