import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JuteReader, JuteDecodeError } from './reader.ts';
import { JuteWriter } from './writer.ts';
import { OpCode, SpecialXid } from './protocol.ts';
import {
  readReplyHeader,
  readStat,
  readWatcherEvent,
  writeConnectRequest,
  writeRequestHeader,
  type ACL,
} from './records.ts';
import {
  writeAddWatchRequest,
  writeAuthPacket,
  writeCreateRequest,
  writeCreateTtlRequest,
  writeDeleteRequest,
  writePathWatchRequest,
  writeReconfigRequest,
  writeSetAclRequest,
  writeSetDataRequest,
  writeSetWatchesRequest,
  writeWatchTypeRequest,
} from './requests.ts';
import { writeMultiOps } from '../client/multi.ts';
import { Chroot } from '../client/paths.ts';

/** Packets serialised by ZooKeeper's own Java Jute classes (see fixtures/GenerateFixtures.java). */
const java = JSON.parse(
  readFileSync(new URL('./fixtures/java-fixtures.json', import.meta.url), 'utf8'),
) as Record<string, string>;

const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const DIGEST: ACL[] = [{ perms: 3, id: { scheme: 'digest', id: 'u:hash=' } }];

function encode(xid: number | null, type: number, body: (writer: JuteWriter) => void): string {
  const writer = new JuteWriter(8);
  if (xid !== null) writeRequestHeader(writer, { xid, type });
  body(writer);
  return writer.finish().toString('hex');
}

describe('Jute encoding matches the Java implementation byte for byte', () => {
  it('ConnectRequest (with the trailing read-only flag the Java client appends)', () => {
    const writer = new JuteWriter();
    writeConnectRequest(writer, {
      protocolVersion: 0,
      lastZxidSeen: 0x1234n,
      timeoutMs: 30000,
      sessionId: 0x0102030405060708n,
      password: Uint8Array.from({ length: 16 }, (_, i) => i),
      readOnly: false,
    });
    // The Java record has no readOnly field; ClientCnxn writes it after the record.
    expect(writer.finish().toString('hex')).toBe(java.connectRequest + '00');
  });

  it('getData, the book test vector: xid 1, "/$7_2_4/get_data", watch', () => {
    const hex = encode(1, OpCode.getData, (w) => writePathWatchRequest(w, '/$7_2_4/get_data', true));
    expect(hex).toBe(java.getData);
    // The reference's printed packet, length prefix excluded: 29 bytes.
    expect(hex.length / 2).toBe(0x1d);
  });

  it('create, create2 with a digest ACL, createTTL', () => {
    expect(encode(7, OpCode.create, (w) => writeCreateRequest(w, '/a/b', Buffer.from('data'), OPEN, 3))).toBe(
      java.create,
    );
    expect(encode(8, OpCode.create2, (w) => writeCreateRequest(w, '/d', new Uint8Array(0), DIGEST, 0))).toBe(
      java.createDigestAcl,
    );
    expect(
      encode(9, OpCode.createTTL, (w) => writeCreateTtlRequest(w, '/t', Buffer.from('x'), OPEN, 5, 5000)),
    ).toBe(java.createTtl);
  });

  it('delete, setData (UTF-8 bytes), setACL', () => {
    expect(encode(10, OpCode.delete, (w) => writeDeleteRequest(w, '/a', 3))).toBe(java.delete);
    expect(encode(11, OpCode.setData, (w) => writeSetDataRequest(w, '/a', Buffer.from('é'), -1))).toBe(
      java.setData,
    );
    expect(encode(12, OpCode.setACL, (w) => writeSetAclRequest(w, '/a', DIGEST, 2))).toBe(java.setACL);
  });

  it('addWatch, removeWatches, auth, reconfig', () => {
    expect(encode(13, OpCode.addWatch, (w) => writeAddWatchRequest(w, '/w', 1))).toBe(java.addWatch);
    expect(encode(14, OpCode.removeWatches, (w) => writeWatchTypeRequest(w, '/w', 2))).toBe(
      java.removeWatches,
    );
    expect(
      encode(SpecialXid.auth, OpCode.auth, (w) => writeAuthPacket(w, 'digest', Buffer.from('u:p'))),
    ).toBe(java.auth);
    expect(encode(15, OpCode.reconfig, (w) => writeReconfigRequest(w, null, '3', null, -1n))).toBe(
      java.reconfig,
    );
  });

  it('SetWatches and SetWatches2', () => {
    const paths = {
      data: ['/d1', '/d2'],
      exist: ['/e'],
      child: ['/c'],
      persistent: ['/p'],
      persistentRecursive: ['/r'],
    };
    expect(
      encode(SpecialXid.setWatches, OpCode.setWatches2, (w) => writeSetWatchesRequest(w, 0x55n, paths, true)),
    ).toBe(java.setWatches2);
    const plain = { data: ['/d1'], exist: [], child: ['/c'], persistent: [], persistentRecursive: [] };
    expect(
      encode(SpecialXid.setWatches, OpCode.setWatches, (w) => writeSetWatchesRequest(w, 0x55n, plain, false)),
    ).toBe(java.setWatches);
  });

  it('multi: create, setData, check, delete and the end marker', () => {
    const hex = encode(16, OpCode.multi, (w) =>
      writeMultiOps(
        w,
        [
          { type: 'create', path: '/m', data: 'v' },
          { type: 'setData', path: '/m', data: 'w', version: 0 },
          { type: 'check', path: '/m', version: 1 },
          { type: 'delete', path: '/m' },
        ],
        new Chroot(''),
      ),
    );
    expect(hex).toBe(java.multi);
  });
});

describe('Jute decoding', () => {
  it('reads the book getData response: header, data, Stat (4 + 8 + 4 + 4 + 11 + 68 = 99 bytes)', () => {
    const packet = Buffer.from(java.getDataResponse!, 'hex');
    expect(packet.length).toBe(99);
    const reader = new JuteReader(packet);
    expect(readReplyHeader(reader)).toEqual({ xid: 5, zxid: 4n, err: 0 });
    expect(reader.readBuffer()?.toString()).toBe("i'm_content");
    expect(readStat(reader)).toEqual({
      czxid: 1n,
      mzxid: 2n,
      ctime: 3,
      mtime: 4,
      version: 5,
      cversion: 6,
      aversion: 7,
      ephemeralOwner: 8n,
      dataLength: 9,
      numChildren: 10,
      pzxid: 11n,
    });
    expect(reader.remaining).toBe(0);
  });

  it('reads a watch notification (xid -1)', () => {
    const reader = new JuteReader(Buffer.from(java.watcherEvent!, 'hex'));
    expect(readReplyHeader(reader).xid).toBe(SpecialXid.notification);
    expect(readWatcherEvent(reader)).toEqual({ type: 3, state: 3, path: '/w/x' });
  });

  it('round-trips nulls, negatives, 64-bit values and UTF-8', () => {
    const writer = new JuteWriter(1);
    writer
      .writeString(null)
      .writeBuffer(null)
      .writeInt(-2)
      .writeLong(-(2n ** 63n))
      .writeString('zß/漢')
      .writeBool(true);
    const reader = new JuteReader(writer.finish());
    expect(reader.readString()).toBeNull();
    expect(reader.readBuffer()).toBeNull();
    expect(reader.readInt()).toBe(-2);
    expect(reader.readLong()).toBe(-(2n ** 63n));
    expect(reader.readString()).toBe('zß/漢');
    expect(reader.readBool()).toBe(true);
  });

  it('rejects truncated packets and absurd vector counts instead of reading garbage', () => {
    expect(() => new JuteReader(Buffer.from('000000', 'hex')).readInt()).toThrow(JuteDecodeError);
    expect(() => new JuteReader(Buffer.from('0000000a6162', 'hex')).readString()).toThrow(/truncated/);
    expect(() => new JuteReader(Buffer.from('7fffffff', 'hex')).readStringVector()).toThrow(/vector/);
  });

  it('copies buffers out of the packet, so results do not pin the receive buffer', () => {
    const packet = Buffer.from('0000000268690000', 'hex');
    const data = new JuteReader(packet).readBuffer()!;
    packet[4] = 0x00;
    expect(data.toString()).toBe('hi');
  });
});
