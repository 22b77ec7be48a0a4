import { describe, expect, it } from 'vitest';
import {
  CREATOR_ALL_ACL,
  MultiError,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  ZooKeeperError,
  digestId,
  op,
  type WatchedEvent,
} from './index.ts';
import { eventually, useZooKeeper } from '../../test-support/index.ts';

const zk = useZooKeeper('client');

/**
 * Records what fired: type and path. The zxid a 3.9+ server adds to each event is kept apart (see
 * the test on it), so these expectations hold against every server version the matrix runs.
 */
function recorder(): {
  events: WatchedEvent[];
  zxids: Array<bigint | undefined>;
  watch: (event: WatchedEvent) => void;
} {
  const events: WatchedEvent[] = [];
  const zxids: Array<bigint | undefined> = [];
  return {
    events,
    zxids,
    watch: ({ zxid, ...event }) => {
      events.push(event);
      zxids.push(zxid);
    },
  };
}

describe('create', () => {
  it('creates persistent nodes with data and returns the path; create2 also returns the Stat', async () => {
    const client = await zk.connect();
    expect(await client.create('/plain', 'hello')).toBe('/plain');
    const { path, stat } = await client.create2('/plain2', Buffer.from([0, 1, 2, 255]));
    expect(path).toBe('/plain2');
    expect(stat.dataLength).toBe(4);
    expect(stat.version).toBe(0);
    expect(stat.ephemeralOwner).toBe(0n);
    expect(stat.czxid).toBeGreaterThan(0n);
    expect((await client.getData('/plain2')).data).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('numbers sequential nodes with 10 digits in the order requests were pipelined', async () => {
    const client = await zk.connect();
    await client.create('/seq');
    const paths = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        client.create('/seq/n-', String(i), { mode: 'persistentSequential' }),
      ),
    );
    expect(paths[0]).toBe('/seq/n-0000000000');
    expect(paths[499]).toBe('/seq/n-0000000499');
    const sorted = [...paths].sort();
    expect(paths).toEqual(sorted);
  });

  it('ephemeral nodes belong to the session and vanish when it closes', async () => {
    const owner = await zk.connect();
    const observer = await zk.connect();
    const { stat } = await owner.create2('/eph', 'x', { mode: 'ephemeral' });
    expect(stat.ephemeralOwner).toBe(owner.sessionId);
    await expect(owner.create('/eph/child')).rejects.toMatchObject({ code: 'NOCHILDRENFOREPHEMERALS' });
    const deleted = recorder();
    await observer.sync('/eph'); // the observer may be on another server that has not seen the create yet
    expect(await observer.exists('/eph', { watch: deleted.watch })).not.toBeNull();
    await owner.close();
    await eventually(() => expect(deleted.events).toEqual([{ type: 'deleted', path: '/eph' }]));
    expect(await observer.exists('/eph')).toBeNull();
  });

  it('container nodes are removed by the server once their last child is gone', async () => {
    const client = await zk.connect();
    await client.create('/box', '', { mode: 'container' });
    await client.create('/box/item');
    await client.delete('/box/item');
    await eventually(async () => expect(await client.exists('/box')).toBeNull(), { timeoutMs: 15_000 });
  });

  it('TTL nodes are removed by the server after the TTL without changes', async () => {
    const client = await zk.connect();
    await client.create('/ttl', 'x', { mode: 'persistentWithTtl', ttlMs: 300 });
    const seqPath = await client.create('/ttl-seq-', 'x', {
      mode: 'persistentSequentialWithTtl',
      ttlMs: 300,
    });
    expect(await client.exists('/ttl')).not.toBeNull();
    await eventually(
      async () => {
        expect(await client.exists('/ttl')).toBeNull();
        expect(await client.exists(seqPath)).toBeNull();
      },
      { timeoutMs: 15_000 },
    );
  });

  it('fails with NODEEXISTS and NONODE naming the operation and path', async () => {
    const client = await zk.connect();
    await client.create('/dup');
    const error = await client.create('/dup').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooKeeperError);
    expect(error).toMatchObject({ code: 'NODEEXISTS', errno: -110, operation: 'create', path: '/dup' });
    expect((error as Error).message).toBe('NODEEXISTS (-110): create /dup: node already exists');
    await expect(client.create('/no/parent')).rejects.toMatchObject({ code: 'NONODE', path: '/no/parent' });
  });
});

describe('read, write and delete with versions', () => {
  it('setData checks the version and returns the new Stat', async () => {
    const client = await zk.connect();
    await client.create('/v', 'one');
    const stat = await client.setData('/v', 'two', { version: 0 });
    expect(stat.version).toBe(1);
    await expect(client.setData('/v', 'three', { version: 0 })).rejects.toMatchObject({
      code: 'BADVERSION',
      path: '/v',
    });
    expect((await client.getData('/v')).data.toString()).toBe('two');
    await client.setData('/v', '');
    const { data, stat: after } = await client.getData('/v');
    expect(data.length).toBe(0);
    expect(after.version).toBe(2);
  });

  it('delete checks version and emptiness', async () => {
    const client = await zk.connect();
    await client.create('/d', 'x');
    await client.create('/d/c');
    await expect(client.delete('/d')).rejects.toMatchObject({ code: 'NOTEMPTY' });
    await client.delete('/d/c');
    await expect(client.delete('/d', { version: 5 })).rejects.toMatchObject({ code: 'BADVERSION' });
    await client.delete('/d', { version: 0 });
    await expect(client.delete('/d')).rejects.toMatchObject({ code: 'NONODE' });
  });

  it('tells null data from empty data, as the server stores them (null is sent as length -1, like Java)', async () => {
    const client = await zk.connect();
    await client.create('/null-data', null);
    await client.create('/empty-data', '');
    await client.create('/omitted-data');
    await expect(client.getData('/null-data')).resolves.toMatchObject({
      dataIsNull: true,
      data: Buffer.alloc(0),
    });
    await expect(client.getData('/empty-data')).resolves.toMatchObject({
      dataIsNull: false,
      data: Buffer.alloc(0),
    });
    await expect(client.getData('/omitted-data')).resolves.toMatchObject({ dataIsNull: false });
    await client.setData('/empty-data', null);
    await expect(client.getData('/empty-data')).resolves.toMatchObject({ dataIsNull: true });
    await client.setData('/null-data', 'x');
    await expect(client.getData('/null-data')).resolves.toMatchObject({
      dataIsNull: false,
      data: Buffer.from('x'),
    });
    const [nullRead, dataRead] = await client.multiRead([
      { type: 'getData', path: '/empty-data' },
      { type: 'getData', path: '/null-data' },
    ]);
    expect(nullRead).toMatchObject({ type: 'getData', dataIsNull: true });
    expect(dataRead).toMatchObject({ type: 'getData', dataIsNull: false });
    await client.multi([op.create('/null-in-multi', null), op.setData('/null-data', null)]);
    await expect(client.getData('/null-in-multi')).resolves.toMatchObject({ dataIsNull: true });
    await expect(client.getData('/null-data')).resolves.toMatchObject({ dataIsNull: true });
  });

  it('getChildren returns names and the parent Stat', async () => {
    const client = await zk.connect();
    await client.create('/kids');
    await client.create('/kids/a');
    await client.create('/kids/b');
    const { children, stat } = await client.getChildren('/kids');
    expect(children.sort()).toEqual(['a', 'b']);
    expect(stat.numChildren).toBe(2);
    expect(stat.cversion).toBe(2);
  });

  it('accepts data up to the server limit and refuses larger data before sending it', async () => {
    const client = await zk.connect();
    await client.create('/big', Buffer.alloc(1_000_000, 7));
    expect((await client.getData('/big')).stat.dataLength).toBe(1_000_000);
    const error = await client.setData('/big', Buffer.alloc(1_048_576)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BADARGUMENTS', operation: 'setData', path: '/big' });
    expect((error as Error).message).toMatch(/at most 1048575 \(jute\.maxbuffer\)/);
    // The connection survived: the server never saw the oversize packet.
    expect(client.state).toBe('connected');
    expect((await client.getData('/big')).stat.version).toBe(0);
  });

  it('sync makes a reader on one server see what a writer on another just wrote', async () => {
    const [first, second] = zk.ensembleConnectString.split(',');
    const writer = await zk.connectVia(first!);
    const reader = await zk.connectVia(second!);
    expect(writer.connectedServer).not.toBe(reader.connectedServer);
    await writer.create('/sync-target', '0');
    for (let i = 1; i <= 50; i++) {
      await writer.setData('/sync-target', String(i));
      await reader.sync('/sync-target');
      expect((await reader.getData('/sync-target')).data.toString()).toBe(String(i));
    }
  });
});

describe('ACLs and digest authentication', () => {
  it('denies reads without credentials and allows them after addAuth', async () => {
    const owner = await zk.connect();
    await owner.create('/secret', 'classified', { acl: [{ perms: Perms.ALL, id: digestId('alice', 'pw') }] });
    const stranger = await zk.connect();
    const denied = await stranger.getData('/secret').catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'NOAUTH', errno: -102, operation: 'getData', path: '/secret' });
    await stranger.addAuth('digest', 'alice:pw');
    expect((await stranger.getData('/secret')).data.toString()).toBe('classified');
    expect(await stranger.whoAmI()).toContainEqual({ scheme: 'digest', user: 'alice' });
  });

  it('sets ACLs at create time atomically, and getACL/setACL round-trip with versions', async () => {
    const client = await zk.connect();
    await client.addAuth('digest', 'bob:pw');
    await client.create('/mine', 'x', { acl: CREATOR_ALL_ACL });
    const { acl, stat } = await client.getACL('/mine');
    expect(acl).toEqual([{ perms: Perms.ALL, id: digestId('bob', 'pw') }]);
    expect(stat.aversion).toBe(0);
    const readAndAdmin = [{ perms: Perms.READ | Perms.ADMIN, id: digestId('bob', 'pw') }, ...READ_ACL_UNSAFE];
    expect((await client.setACL('/mine', readAndAdmin, { version: 0 })).aversion).toBe(1);
    await expect(client.setACL('/mine', OPEN_ACL_UNSAFE, { version: 0 })).rejects.toMatchObject({
      code: 'BADVERSION',
    });
    await expect(client.setData('/mine', 'y')).rejects.toMatchObject({ code: 'NOAUTH', path: '/mine' });
    const stranger = await zk.connect();
    expect((await stranger.getData('/mine')).data.toString()).toBe('x');
    await expect(stranger.setACL('/mine', OPEN_ACL_UNSAFE)).rejects.toMatchObject({ code: 'NOAUTH' });
  });

  it('rejects CREATOR_ALL_ACL without credentials and malformed ACLs', async () => {
    const client = await zk.connect();
    await expect(client.create('/creator', 'x', { acl: CREATOR_ALL_ACL })).rejects.toMatchObject({
      code: 'INVALIDACL',
    });
    await expect(client.create('/empty-acl', 'x', { acl: [] })).rejects.toMatchObject({ code: 'INVALIDACL' });
  });

  it('sends credentials given at construction before any request, and again after reconnecting', async () => {
    const owner = await zk.connect();
    await owner.create('/carol', 'c', { acl: [{ perms: Perms.READ, id: digestId('carol', 'pw') }] });
    const client = await zk.connect({ auth: [{ scheme: 'digest', auth: 'carol:pw' }] });
    expect((await client.getData('/carol')).data.toString()).toBe('c');
    client.dropConnection();
    await client.waitForConnected();
    expect((await client.getData('/carol')).data.toString()).toBe('c');
  });
});

describe('multi and multiRead', () => {
  it('applies all operations and returns one result per operation', async () => {
    const client = await zk.connect();
    await client.create('/tx', 'v0');
    const results = await client.multi([
      op.create('/tx/a', 'a'),
      op.setData('/tx', 'v1', 0),
      op.check('/tx', 1),
      op.create('/tx/s-', 's', { mode: 'persistentSequential' }),
      op.delete('/tx/a'),
    ]);
    expect(results.map((r) => r.type)).toEqual(['create', 'setData', 'check', 'create', 'delete']);
    expect(results[0]).toMatchObject({ path: '/tx/a' });
    expect(results[1]).toMatchObject({ stat: { version: 1 } });
    expect(results[3]).toMatchObject({ path: '/tx/s-0000000001' });
    expect((await client.getChildren('/tx')).children).toEqual(['s-0000000001']);
  });

  it('applies nothing when one operation fails and reports every outcome', async () => {
    const client = await zk.connect();
    await client.create('/atomic', 'v0');
    const error = await client
      .multi([
        op.create('/atomic/new'),
        op.setData('/atomic', 'v1'),
        op.check('/atomic', 7),
        op.delete('/atomic'),
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultiError);
    const multiError = error as MultiError;
    expect(multiError.code).toBe('BADVERSION');
    expect(multiError.failedIndex).toBe(2);
    expect(multiError.path).toBe('/atomic');
    expect(multiError.results).toEqual(['ok', 'ok', 'BADVERSION', 'RUNTIMEINCONSISTENCY']);
    expect(await client.exists('/atomic/new')).toBeNull();
    expect((await client.getData('/atomic')).data.toString()).toBe('v0');
  });

  it('multiRead answers each read on its own', async () => {
    const client = await zk.connect();
    await client.create('/mr', 'data');
    await client.create('/mr/k');
    const results = await client.multiRead([
      { type: 'getData', path: '/mr' },
      { type: 'getChildren', path: '/mr' },
      { type: 'getData', path: '/mr/missing' },
    ]);
    expect(results[0]).toMatchObject({ type: 'getData', stat: { numChildren: 1 } });
    expect(results[0]?.type === 'getData' && results[0].data.toString()).toBe('data');
    expect(results[1]).toEqual({ type: 'getChildren', children: ['k'] });
    expect(results[2]).toMatchObject({ type: 'error', error: { code: 'NONODE', path: '/mr/missing' } });
  });

  it('validates every op before sending', async () => {
    const client = await zk.connect();
    await expect(client.multi([op.create('/ok'), op.delete('bad')])).rejects.toMatchObject({
      code: 'BADARGUMENTS',
    });
    expect(await client.exists('/ok')).toBeNull();
  });
});

describe('watches', () => {
  it('one-shot data, exists and child watches fire once with chroot-relative paths', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    await client.create('/w');
    const data = recorder();
    const exist = recorder();
    const children = recorder();
    await client.getData('/w', { watch: data.watch });
    await client.exists('/w/new', { watch: exist.watch });
    await client.getChildren('/w', { watch: children.watch });
    await other.create('/w/new');
    await other.setData('/w', 'a');
    await other.setData('/w', 'b');
    await eventually(() => {
      expect(data.events).toEqual([{ type: 'dataChanged', path: '/w' }]);
      expect(exist.events).toEqual([{ type: 'created', path: '/w/new' }]);
      expect(children.events).toEqual([{ type: 'childrenChanged', path: '/w' }]);
    });
    expect(client.watchCount).toBe(0);
  });

  it('an event carries the zxid of the change that fired it from ZooKeeper 3.9 on, none before', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    await client.create('/zx');
    const data = recorder();
    const exist = recorder();
    await client.getData('/zx', { watch: data.watch });
    await client.exists('/zx/child', { watch: exist.watch });
    const changed = await other.setData('/zx', 'a');
    const { stat: created } = await other.create2('/zx/child');
    await eventually(() => expect([...data.events, ...exist.events]).toHaveLength(2));
    if (zk.serverVersionAtLeast('3.9')) {
      expect(data.zxids).toEqual([changed.mzxid]);
      expect(exist.zxids).toEqual([created.czxid]);
    } else {
      expect([...data.zxids, ...exist.zxids]).toEqual([undefined, undefined]);
    }
  });

  it('persistent and recursive watches keep firing until removed', async () => {
    // Two clients: the server keeps one watch mode per path and connection.
    const client = await zk.connect();
    const watcherOfNode = await zk.connect();
    const other = await zk.connect();
    await client.create('/pw');
    // The watcher may be on a server that has not applied the create yet: a persistent watch set
    // there first would also see it as "created". sync brings that server up to the leader.
    await watcherOfNode.sync('/pw');
    const persistent = recorder();
    const recursive = recorder();
    await watcherOfNode.addWatch('/pw', persistent.watch, { mode: 'persistent' });
    await client.addWatch('/pw', recursive.watch, { mode: 'persistentRecursive' });
    await other.setData('/pw', '1');
    await other.create('/pw/a');
    await other.create('/pw/a/b');
    await other.setData('/pw/a/b', '2');
    await other.delete('/pw/a/b');
    await eventually(() => {
      expect(persistent.events).toEqual([
        { type: 'dataChanged', path: '/pw' },
        { type: 'childrenChanged', path: '/pw' },
      ]);
      expect(recursive.events).toEqual([
        { type: 'dataChanged', path: '/pw' },
        { type: 'created', path: '/pw/a' },
        { type: 'created', path: '/pw/a/b' },
        { type: 'dataChanged', path: '/pw/a/b' },
        { type: 'deleted', path: '/pw/a/b' },
      ]);
    });
    await client.removeWatches('/pw', 'persistentRecursive');
    expect(recursive.events.at(-1)).toEqual({ type: 'persistentWatchRemoved', path: '/pw' });
    await other.create('/pw/after');
    await eventually(() => expect(persistent.events).toHaveLength(3));
    expect(recursive.events).toHaveLength(6);
  });

  it('removeWatches removes one watcher or all, tells removed watchers, and fails with NOWATCHER', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    await client.create('/rw');
    const first = recorder();
    const second = recorder();
    await client.getData('/rw', { watch: first.watch });
    await client.getData('/rw', { watch: second.watch });
    await client.removeWatches('/rw', 'data', { watcher: first.watch });
    expect(first.events).toEqual([{ type: 'dataWatchRemoved', path: '/rw' }]);
    await other.setData('/rw', 'x');
    await eventually(() => expect(second.events).toEqual([{ type: 'dataChanged', path: '/rw' }]));
    expect(first.events).toHaveLength(1);
    await expect(client.removeWatches('/rw', 'children')).rejects.toMatchObject({
      code: 'NOWATCHER',
      path: '/rw',
    });
  });

  it('a watcher that throws does not disturb the client or other watchers', async () => {
    const client = await zk.connect({ logger: {} });
    const other = await zk.connect();
    await client.create('/throwing');
    const good = recorder();
    await client.getData('/throwing', {
      watch: () => {
        throw new Error('boom');
      },
    });
    await client.getData('/throwing', { watch: good.watch });
    await other.setData('/throwing', 'x');
    await eventually(() => expect(good.events).toHaveLength(1));
    expect((await client.getData('/throwing')).data.toString()).toBe('x');
  });

  it('does not leak: 2,000 fired watches leave no registrations behind', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    await client.create('/leak');
    let fired = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 100 }, () => client.getData('/leak', { watch: () => fired++ })));
      await other.setData('/leak', String(round));
      await eventually(() => expect(fired).toBe((round + 1) * 100));
    }
    expect(client.watchCount).toBe(0);
  });
});

describe('session and server information', () => {
  it('getEphemerals lists this session’s ephemerals under a prefix; getAllChildrenNumber counts descendants', async () => {
    const client = await zk.connect();
    await client.create('/e');
    await client.create('/e/one', '', { mode: 'ephemeral' });
    await client.create('/e/two-', '', { mode: 'ephemeralSequential' });
    await client.create('/e/keep');
    await client.create('/e/keep/deep');
    expect((await client.getEphemerals('/e')).sort()).toEqual(['/e/one', '/e/two-0000000001']);
    expect(await client.getAllChildrenNumber('/e')).toBe(4);
  });

  it('getConfig reads the ensemble membership; reconfig is refused when the servers disable it', async () => {
    const client = await zk.connect();
    const { config } = await client.getConfig();
    expect(config.match(/^server\.\d+=/gm)).toHaveLength(3);
    await expect(client.reconfig({ leaving: [3] })).rejects.toMatchObject({ code: 'RECONFIGDISABLED' });
  });

  it('whoAmI reports the ip identity of an unauthenticated session', async () => {
    const client = await zk.connect();
    expect(await client.whoAmI()).toEqual([{ scheme: 'ip', user: '127.0.0.1' }]);
  });
});

describe('removeWatches', () => {
  it('tells a watcher once per event type even when it was registered under several kinds', async () => {
    const client = await zk.connect();
    await client.create('/dedupe');
    const events: WatchedEvent[] = [];
    const watch = (event: WatchedEvent): void => {
      events.push(event);
    };
    await client.getData('/dedupe', { watch });
    await client.exists('/dedupe', { watch });
    await client.getChildren('/dedupe', { watch });
    await client.removeWatches('/dedupe', 'any');
    expect(events.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'childWatchRemoved', path: '/dedupe' },
      { type: 'dataWatchRemoved', path: '/dedupe' },
    ]);
  });
});
