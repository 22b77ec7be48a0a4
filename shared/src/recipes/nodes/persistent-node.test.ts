import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, childrenOrNone, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { PersistentNode } from './persistent-node.ts';

const zk = useZooKeeper('persistent-node');

async function expire(client: ZooKeeperClient): Promise<void> {
  const others = zk.ensembleConnectString.split(',').filter((server) => server !== client.connectedServer);
  await expireSession(others.join(','), {
    sessionId: client.sessionId,
    sessionPassword: client.sessionPassword,
  });
}

function recordEvents(node: PersistentNode): string[] {
  const events: string[] = [];
  node.on('nodeCreated', (path) => events.push(`created ${path}`));
  node.on('nodeDeleted', (path) => events.push(`deleted ${path}`));
  return events;
}

describe('PersistentNode', () => {
  it('creates an ephemeral node with its data (parents as containers), and close deletes it', async () => {
    const client = await zk.connect();
    const node = new PersistentNode(client, '/nodes/basic/instance', { data: 'hello' });
    const events = recordEvents(node);
    node.start();
    expect(await node.waitForInitialCreate({ timeoutMs: 5000 })).toBe('/nodes/basic/instance');
    const { data, stat } = await client.getData('/nodes/basic/instance');
    expect(data.toString()).toBe('hello');
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    expect(node.isPresent).toBe(true);
    expect(events).toEqual(['created /nodes/basic/instance']);
    await node.close();
    expect(await client.exists('/nodes/basic/instance')).toBeNull();
    expect(node.isPresent).toBe(false);
    expect(client.watchCount).toBe(0);
  });

  it('re-creates itself with the same data when someone deletes it; data changes keep the watch', async () => {
    const client = await zk.connect();
    const intruder = await zk.connect();
    const node = new PersistentNode(client, '/nodes/deleted', { mode: 'persistent', data: 'v1' });
    const events = recordEvents(node);
    node.start();
    await node.waitForInitialCreate();
    await intruder.setData('/nodes/deleted', 'scribbled');
    await node.setData('v2');
    await intruder.delete('/nodes/deleted');
    await eventually(async () =>
      expect((await intruder.getData('/nodes/deleted')).data.toString()).toBe('v2'),
    );
    expect(events).toEqual(['created /nodes/deleted', 'deleted /nodes/deleted', 'created /nodes/deleted']);
    await node.close();
    await intruder.sync('/nodes/deleted'); // closed through the node's own client
    expect(await intruder.exists('/nodes/deleted')).toBeNull();
  });

  it('comes back on the new session after a real session expiry', async () => {
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const observer = await zk.connect();
    const states = new StateRecorder(client);
    const node = new PersistentNode(client, '/nodes/expiry/member', { data: 'payload' });
    const events = recordEvents(node);
    node.start();
    await node.waitForInitialCreate();
    const firstSession = client.sessionId;
    await expire(client);
    await states.waitFor('lost');
    const reborn = await eventually(async () => {
      const found = await observer.getData('/nodes/expiry/member');
      expect(found.stat.ephemeralOwner).not.toBe(firstSession);
      return found;
    });
    expect(reborn.stat.ephemeralOwner).toBe(client.sessionId);
    expect(reborn.data.toString()).toBe('payload');
    expect(events).toEqual([
      'created /nodes/expiry/member',
      'deleted /nodes/expiry/member',
      'created /nodes/expiry/member',
    ]);
    expect(node.isPresent).toBe(true);
    await node.close();
  });

  it('protected ephemeral-sequential: re-creation keeps the sequence number under a new UUID', async () => {
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const intruder = await zk.connect();
    const states = new StateRecorder(client);
    const node = new PersistentNode(client, '/nodes/protected/member-', {
      mode: 'ephemeralSequential',
      protected: true,
      data: 'pn',
    });
    node.start();
    const first = await node.waitForInitialCreate();
    expect(first).toMatch(/^\/nodes\/protected\/_c_[0-9a-f-]{36}-member-\d{10}$/);
    const suffix = first.slice(-10);
    const prefix = (path: string): string =>
      path.slice('/nodes/protected/'.length, '/nodes/protected/'.length + 40);

    await intruder.delete(first);
    const second = await eventually(() => {
      expect(node.actualPath).not.toBe(first);
      return node.actualPath!;
    });
    expect(second.slice(-10)).toBe(suffix);
    expect(prefix(second)).not.toBe(prefix(first));
    await intruder.sync(second); // re-created through the node's own client
    expect((await intruder.getData(second)).data.toString()).toBe('pn');

    await expire(client);
    await states.waitFor('connected');
    const third = await eventually(async () => {
      expect(node.actualPath).not.toBe(second);
      expect(await intruder.exists(node.actualPath!)).not.toBeNull();
      return node.actualPath!;
    });
    expect(third.slice(-10)).toBe(suffix);
    expect((await intruder.exists(third))!.ephemeralOwner).toBe(client.sessionId);
    expect((await intruder.getChildren('/nodes/protected')).children).toHaveLength(1);
    await node.close();
    await intruder.sync('/nodes/protected');
    expect(await childrenOrNone(intruder, '/nodes/protected')).toEqual([]);
  });

  it('unprotected sequential: comes back at exactly its path', async () => {
    const client = await zk.connect();
    const node = new PersistentNode(client, '/nodes/plain-seq/n-', {
      mode: 'persistentSequential',
      data: 'x',
    });
    node.start();
    const path = await node.waitForInitialCreate();
    expect(path).toMatch(/^\/nodes\/plain-seq\/n-\d{10}$/);
    await client.delete(path);
    await eventually(async () => expect(await client.exists(path)).not.toBeNull());
    expect((await client.getChildren('/nodes/plain-seq')).children).toHaveLength(1);
    await node.close();
  });

  it('adopts a node that already exists and writes its own data into it', async () => {
    const client = await zk.connect();
    await client.create('/nodes/existing', 'old');
    const node = new PersistentNode(client, '/nodes/existing', { mode: 'persistent', data: 'new' });
    node.start();
    await node.waitForInitialCreate();
    expect((await client.getData('/nodes/existing')).data.toString()).toBe('new');
    await node.close();
    expect(await client.exists('/nodes/existing')).toBeNull();
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new PersistentNode(client, '/nodes/x', { mode: 'container' })).toThrow(
      /mode must be one of/,
    );
    expect(() => new PersistentNode(client, '/nodes/x', { mode: 'persistentWithTtl' })).toThrow(/mode/);
    expect(() => new PersistentNode(client, 'nodes')).toThrow(/invalid path/);
    expect(() => new PersistentNode(client, '/nodes/x/')).toThrow(/invalid path/);
    const node = new PersistentNode(client, '/nodes/bad');
    await expect(node.waitForInitialCreate()).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    node.start();
    expect(() => node.start()).toThrow(/already started/);
    await expect(node.waitForInitialCreate({ timeoutMs: -1 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await node.close();
    await expect(node.setData('late')).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
