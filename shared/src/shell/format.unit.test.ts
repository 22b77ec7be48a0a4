import { describe, expect, it } from 'vitest';
import { digestId, Perms, type Stat } from '../client/index.ts';
import {
  clientConfigString,
  formatAclEntry,
  formatList,
  formatStat,
  formatWatchedEvent,
  javaDate,
  javaHex,
} from './format.ts';

const stat: Stat = {
  czxid: 0x2n,
  mzxid: 0x5n,
  ctime: Date.UTC(2026, 10, 25, 17, 57, 13),
  mtime: 0,
  version: 2,
  cversion: 1,
  aversion: 0,
  ephemeralOwner: 0x1000a3f29b50000n,
  dataLength: 5,
  numChildren: 3,
  pzxid: 0x10000000an,
};

describe('formatters (zkCli output)', () => {
  it('prints a Stat as StatPrinter does, line for line', () => {
    expect(formatStat(stat, 'UTC')).toEqual([
      'cZxid = 0x2',
      'ctime = Wed Nov 25 17:57:13 UTC 2026',
      'mZxid = 0x5',
      'mtime = Thu Jan 01 00:00:00 UTC 1970',
      'pZxid = 0x10000000a',
      'cversion = 1',
      'dataVersion = 2',
      'aclVersion = 0',
      'ephemeralOwner = 0x1000a3f29b50000',
      'dataLength = 5',
      'numChildren = 3',
    ]);
  });

  it('formats dates like java.util.Date#toString in the given zone, daylight saving included', () => {
    expect(javaDate(Date.UTC(2026, 0, 5, 3, 4, 5), 'America/New_York')).toBe('Sun Jan 04 22:04:05 EST 2026');
    expect(javaDate(Date.UTC(2026, 6, 5, 3, 4, 5), 'America/New_York')).toBe('Sat Jul 04 23:04:05 EDT 2026');
  });

  it('prints 64-bit ids as unsigned hex, like Long.toHexString', () => {
    expect(javaHex(0n)).toBe('0x0');
    expect(javaHex(-1n)).toBe('0xffffffffffffffff');
  });

  it('prints ACL entries as the Id record CSV plus the permission letters', () => {
    expect(formatAclEntry({ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } })).toEqual([
      "'world,'anyone",
      ': cdrwa',
    ]);
    const { id } = digestId('user', 'secret');
    expect(formatAclEntry({ perms: Perms.READ | Perms.WRITE, id: { scheme: 'digest', id } })).toEqual([
      `'digest,'${id}`,
      ': rw',
    ]);
    expect(formatAclEntry({ perms: 0, id: { scheme: 'ip', id: '10.0.0.1,x' } })).toEqual([
      "'ip,'10.0.0.1%2Cx",
      ': ',
    ]);
  });

  it('prints lists like Java and events like the default watcher', () => {
    expect(formatList(['a', 'b'])).toBe('[a, b]');
    expect(formatList([])).toBe('[]');
    expect(formatWatchedEvent('SyncConnected', 'childrenChanged', '/workers')).toBe(
      '\nWATCHER::\n\nWatchedEvent state:SyncConnected type:NodeChildrenChanged path:/workers\n',
    );
    expect(formatWatchedEvent('Expired', 'none', null)).toBe(
      '\nWATCHER::\n\nWatchedEvent state:Expired type:None path:null\n',
    );
  });

  it('derives config -c from server lines: version, then client addresses in id order', () => {
    const dynamic = [
      'server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182',
      'server.1=127.0.0.1:2888:3888:participant;2181',
      'version=100000000',
    ].join('\n');
    expect(clientConfigString(dynamic)).toBe('100000000 0.0.0.0:2181,127.0.0.1:2182');
    const staticConfig = 'server.1=127.0.0.1:1:2:participant\nserver.2=127.0.0.1:3:4:participant\nversion=0';
    expect(clientConfigString(staticConfig)).toBe('0 ,');
    expect(clientConfigString('')).toBe(' ');
  });
});
