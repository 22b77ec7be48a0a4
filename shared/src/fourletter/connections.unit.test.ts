import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { parseCons, parseConnectionLine } from './connections.ts';

describe('parseCons', () => {
  const [client, asking] = parseCons(readFixture('cons-standalone'));

  it('lists one entry per connection, the asking one included', () => {
    expect(parseCons(readFixture('cons-standalone'))).toHaveLength(2);
  });

  it('reads the session of an established connection', () => {
    expect(client).toMatchObject({
      address: '127.0.0.1:43240',
      interestOps: 1,
      queued: 0,
      received: 9,
      sent: 9,
    });
    expect(client?.session).toEqual({
      sessionId: 0x10000061dcc0000n,
      lastOperation: 'PING',
      establishedAt: 1795627642584,
      sessionTimeoutMs: 10000,
      lastCxid: 5,
      lastZxid: 3n,
      lastResponseTime: 420380,
      lastLatencyMs: 2,
      minLatencyMs: 0,
      avgLatencyMs: 4,
      maxLatencyMs: 14,
    });
  });

  it('has no session for a connection that has not sent a connect request', () => {
    expect(asking).toMatchObject({ address: '127.0.0.1:40622', received: 1, sent: 0 });
    expect(asking?.session).toBeUndefined();
  });

  it('reads "no zxid yet" and high server ids as signed Java longs', () => {
    const line =
      ' /10.0.0.7:5000[1](queued=0,recved=1,sent=1,sid=0xff00000000000001,lop=CONN,est=1,to=4000,' +
      'lcxid=0x0,lzxid=0xffffffffffffffff,lresp=9,llat=0,minlat=0,avglat=0,maxlat=0)';
    const connection = parseConnectionLine('cons', line);
    expect(connection.session?.lastZxid).toBe(-1n);
    expect(connection.session?.sessionId).toBe(BigInt.asIntN(64, 0xff00000000000001n));
  });

  it('keeps fields it does not know', () => {
    const connection = parseConnectionLine('cons', ' /127.0.0.1:1[0](queued=0,recved=1,sent=0,future=42)');
    expect(connection.fields.future).toBe('42');
  });

  it('takes the address after the hostname Java may print before the slash', () => {
    expect(parseConnectionLine('cons', ' localhost/127.0.0.1:7[0](queued=0,recved=1,sent=0)').address).toBe(
      '127.0.0.1:7',
    );
  });
});
