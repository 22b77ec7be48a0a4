import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-decoder.ts';
import { Chroot, ancestorPaths, parentPath, sequenceNumber, validatePath } from './paths.ts';
import { HostList, parseConnectString } from './connect-string.ts';
import { digestId, formatAcl, parseAclList } from './acl.ts';
import { WatchRegistry, type WatchedEvent } from './watch-registry.ts';
import { encodeSetWatches } from './request-frames.ts';
import { JuteReader } from '../jute/reader.ts';
import { validateCreateMode } from './create-mode.ts';
import { withRetry } from './retry.ts';
import { ZooKeeperError } from './errors.ts';

function frame(body: string): Buffer {
  const bytes = Buffer.from(body);
  const out = Buffer.alloc(4 + bytes.length);
  out.writeInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}

describe('FrameDecoder', () => {
  it('splits packets however the stream is chunked', () => {
    const stream = Buffer.concat([frame('alpha'), frame(''), frame('a much longer third packet')]);
    for (let chunkSize = 1; chunkSize <= stream.length; chunkSize++) {
      const decoder = new FrameDecoder(1000);
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += chunkSize) {
        for (const f of decoder.push(stream.subarray(i, i + chunkSize))) out.push(f.toString());
      }
      expect(out).toEqual(['alpha', '', 'a much longer third packet']);
    }
  });

  it('rejects a length no ZooKeeper server would send (e.g. an HTTP server on that port)', () => {
    const decoder = new FrameDecoder(1024 * 1024);
    expect(() => decoder.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/not a ZooKeeper server/);
  });
});

describe('paths', () => {
  it('accepts valid paths, including a sequential create ending in /', () => {
    for (const path of ['/', '/a', '/a/b-c_d.e', '/zk/ü', '/a/...'])
      expect(() => validatePath(path)).not.toThrow();
    expect(() => validatePath('/queue/', { sequential: true })).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['a/b', 'start with /'],
    ['/a/', 'end with /'],
    ['/a//b', 'two slashes'],
    ['/a/./b', 'relative'],
    ['/a/..', 'relative'],
    ['/a\u0000b', 'invalid character'],
    ['/a\u0007', 'invalid character'],
    ['/a\ud800', 'invalid character'],
  ])('rejects %j (%s) with BADARGUMENTS naming the path', (path, reason) => {
    try {
      validatePath(path, { operation: 'getData' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ZooKeeperError);
      const zkError = error as ZooKeeperError;
      expect(zkError.code).toBe('BADARGUMENTS');
      expect(zkError.path).toBe(path);
      expect(zkError.message).toContain(reason);
      expect(zkError.message).toContain('getData');
    }
  });

  it('maps paths through a chroot both ways', () => {
    const chroot = new Chroot('/app');
    expect(chroot.toServer('/')).toBe('/app');
    expect(chroot.toServer('/x/y')).toBe('/app/x/y');
    expect(chroot.fromServer('/app')).toBe('/');
    expect(chroot.fromServer('/app/x')).toBe('/x');
    expect(chroot.fromServer('/apple')).toBe('/apple');
    expect(new Chroot('').toServer('/x')).toBe('/x');
  });

  it('parents, ancestors and sequence numbers', () => {
    expect(parentPath('/a/b/c')).toBe('/a/b');
    expect(parentPath('/a')).toBe('/');
    expect(ancestorPaths('/a/b/c')).toEqual(['/', '/a', '/a/b']);
    expect(sequenceNumber('_c_0f-lock-0000000042')).toBe(42);
    expect(() => sequenceNumber('lock-12')).toThrow(/sequence/);
  });
});

describe('connect strings', () => {
  it('parses hosts, default port, IPv6 and the chroot', () => {
    expect(parseConnectString('a:1,b,[::1]:3/app/x')).toEqual({
      servers: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2181 },
        { host: '::1', port: 3 },
      ],
      chroot: '/app/x',
    });
    expect(parseConnectString('h:1/').chroot).toBe('');
  });

  it('rejects empty strings, bad ports and bad chroots', () => {
    expect(() => parseConnectString('')).toThrow(/empty/);
    expect(() => parseConnectString('h:99999')).toThrow(/bad port/);
    expect(() => parseConnectString('h:1/a//b')).toThrow(/invalid path/);
  });

  it('visits every server once per round, in a shuffled order', () => {
    const servers = [1, 2, 3, 4].map((port) => ({ host: 'h', port }));
    const hosts = new HostList(servers, () => 0);
    const round = [hosts.next(), hosts.next(), hosts.next(), hosts.next()].map((s) => s.port);
    expect(new Set(round).size).toBe(4);
    expect(round).not.toEqual([1, 2, 3, 4]);
    expect(hosts.next().port).toBe(round[0]);
  });
});

describe('ACL helpers', () => {
  it('computes the digest id as the server does: base64(sha1(user:password))', () => {
    // Value from ZooKeeper's DigestAuthenticationProvider.generateDigest("super:test").
    expect(digestId('super', 'test')).toEqual({ scheme: 'digest', id: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=' });
  });

  it('parses and formats zkCli ACL syntax', () => {
    const acl = parseAclList('world:anyone:r,digest:u:abc=:cdrwa');
    expect(acl).toEqual([
      { perms: 1, id: { scheme: 'world', id: 'anyone' } },
      { perms: 31, id: { scheme: 'digest', id: 'u:abc=' } },
    ]);
    expect(acl.map(formatAcl)).toEqual(['world:anyone:r', 'digest:u:abc=:cdrwa']);
    expect(() => parseAclList('world:anyone:x')).toThrow(/unknown permission/);
  });
});

describe('create modes', () => {
  it('requires a TTL exactly for TTL modes', () => {
    const context = { operation: 'create', path: '/t' };
    expect(() => validateCreateMode('persistentWithTtl', undefined, context)).toThrow(/needs ttlMs/);
    expect(() => validateCreateMode('persistentWithTtl', 0, context)).toThrow(/needs ttlMs/);
    expect(() => validateCreateMode('persistent', 100, context)).toThrow(/only valid/);
    expect(() => validateCreateMode('persistentSequentialWithTtl', 100, context)).not.toThrow();
  });
});

describe('WatchRegistry routing', () => {
  it('fires one-shot watches once and persistent ones every time, recursive ones for descendants', () => {
    const registry = new WatchRegistry();
    const seen: string[] = [];
    const watcher = (name: string) => (event: WatchedEvent) => seen.push(`${name}:${event.type}`);
    const data = watcher('data');
    const child = watcher('child');
    const persistent = watcher('persistent');
    const recursive = watcher('recursive');
    registry.add('data', '/a', data);
    registry.add('child', '/a', child);
    registry.add('persistent', '/a', persistent);
    registry.add('persistentRecursive', '/', recursive);

    const fire = (type: WatchedEvent['type'], path: string): void => {
      for (const w of registry.take(type, path)) w({ type, path });
    };
    fire('dataChanged', '/a');
    fire('dataChanged', '/a');
    fire('childrenChanged', '/a');
    fire('created', '/a/b/c');
    expect(seen).toEqual([
      'data:dataChanged',
      'persistent:dataChanged',
      'recursive:dataChanged',
      'persistent:dataChanged',
      'recursive:dataChanged',
      'child:childrenChanged',
      'persistent:childrenChanged',
      'recursive:created',
    ]);
    expect(registry.size).toBe(2);
  });

  it('deletion fires data, exist and child watches; drain empties everything', () => {
    const registry = new WatchRegistry();
    const calls: string[] = [];
    registry.add('data', '/x', () => calls.push('data'));
    registry.add('child', '/x', () => calls.push('child'));
    for (const w of registry.take('deleted', '/x')) w({ type: 'deleted', path: '/x' });
    expect(calls.sort()).toEqual(['child', 'data']);
    registry.add('exist', '/y', () => {});
    expect(registry.drain().size).toBe(1);
    expect(registry.size).toBe(0);
  });
});

describe('SetWatches batching', () => {
  it('splits many watches into packets of at most 128 KiB and loses none', () => {
    const data = Array.from(
      { length: 5000 },
      (_, i) => `/some/fairly/long/path/for/watch/${i.toString().padStart(6, '0')}`,
    );
    const frames = encodeSetWatches(7n, {
      data,
      exist: ['/e'],
      child: [],
      persistent: [],
      persistentRecursive: [],
    });
    expect(frames.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const f of frames) {
      expect(f.length).toBeLessThan(140 * 1024);
      const reader = new JuteReader(f, 4);
      expect(reader.readInt()).toBe(-8);
      expect(reader.readInt()).toBe(101);
      expect(reader.readLong()).toBe(7n);
      seen.push(...reader.readStringVector(), ...reader.readStringVector(), ...reader.readStringVector());
    }
    expect(seen).toEqual([...data, '/e']);
  });
});

describe('withRetry', () => {
  it('retries connection-loss errors and gives the result', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new ZooKeeperError('CONNECTIONLOSS');
        return 'done';
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('never retries application errors or session expiry, and stops after the budget', async () => {
    for (const code of ['NONODE', 'SESSIONEXPIRED'] as const) {
      let calls = 0;
      await expect(
        withRetry(async () => {
          calls++;
          throw new ZooKeeperError(code);
        }),
      ).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    }
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ZooKeeperError('CONNECTIONLOSS');
        },
        { retries: 2, baseDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'CONNECTIONLOSS' });
    expect(calls).toBe(3);
  });
});
