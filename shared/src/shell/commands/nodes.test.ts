import { describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../../test-support/index.ts';
import { maskStat, useShells } from '../../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-nodes');
const shells = useShells(zk);

describe('create, get, set, stat', () => {
  it('creates a node with data and prints "Created"; get prints the data, -s the Stat', async () => {
    const { run } = await shells.open();
    expect(await run('create /config "max=5 min=1"')).toMatchObject({
      status: 0,
      stdout: 'Created /config\n',
    });
    expect((await run('get /config')).stdout).toBe('max=5 min=1\n');
    const { stdout } = await run('get -s /config');
    expect(maskStat(stdout)).toBe(
      [
        'max=5 min=1',
        'cZxid = 0x…',
        'ctime = …',
        'mZxid = 0x…',
        'mtime = …',
        'pZxid = 0x…',
        'cversion = 0',
        'dataVersion = 0',
        'aclVersion = 0',
        'ephemeralOwner = 0x…',
        'dataLength = 11',
        'numChildren = 0',
        '',
      ].join('\n'),
    );
  });

  it('stores data as UTF-8 bytes and an empty string as no data', async () => {
    const { run } = await shells.open();
    await run('create /greeting "grüße, 世界"');
    expect((await run('get /greeting')).stdout).toBe('grüße, 世界\n');
    const bytes = Buffer.byteLength('grüße, 世界');
    expect((await run('stat /greeting')).stdout).toContain(`dataLength = ${bytes}\n`);
    await run('create /empty ""');
    expect((await run('get /empty')).stdout).toBe('\n');
  });

  it('get prints "null" for a node with null data, as zkCli does, and an empty line for empty data', async () => {
    const client = await zk.connect();
    await client.create('/null-data', null);
    const { run } = await shells.open();
    expect((await run('get /null-data')).stdout).toBe('null\n');
    await client.setData('/null-data', '');
    expect((await run('get /null-data')).stdout).toBe('\n');
    await run('create /no-data-argument');
    expect((await run('get /no-data-argument')).stdout).toBe('null\n');
  });

  it('set changes the data and bumps the version; -v guards it; -s prints the new Stat', async () => {
    const { run } = await shells.open();
    await run('create /counter 1');
    expect(await run('set /counter 2')).toMatchObject({ status: 0, text: '' });
    const stat = await run('set -s -v 1 /counter 3');
    expect(stat.stdout).toContain('dataVersion = 2\n');
    expect(await run('set -v 1 /counter 4')).toMatchObject({
      status: 1,
      stderr: 'version No is not valid : /counter\n',
    });
    expect((await run('get /counter')).stdout).toBe('3\n');
  });

  it('stat prints the Stat alone and fails for a missing node', async () => {
    const { run } = await shells.open();
    await run('create /s x');
    await run('create /s/child');
    const { stdout } = await run('stat /s');
    expect(stdout.split('\n')).toHaveLength(12);
    expect(stdout).toContain('numChildren = 1\n');
    expect(await run('stat /nothere')).toMatchObject({
      status: 1,
      stderr: 'Node does not exist: /nothere\n',
    });
  });

  it('reports the zkCli errors for existing nodes, missing parents and missing nodes', async () => {
    const { run } = await shells.open();
    await run('create /dup');
    expect(await run('create /dup')).toMatchObject({ status: 1, stderr: 'Node already exists: /dup\n' });
    expect(await run('create /no/parent')).toMatchObject({
      status: 1,
      stderr: 'Node does not exist: /no/parent\n',
    });
    expect((await run('get /missing')).stderr).toBe('Node does not exist: /missing\n');
    expect((await run('set /missing x')).stderr).toBe('Node does not exist: /missing\n');
  });

  it('creates sequential nodes with the counter appended and prints the actual path', async () => {
    const { run } = await shells.open();
    await run('create /tasks ""');
    expect((await run('create -s /tasks/task- "cmd"')).stdout).toBe('Created /tasks/task-0000000000\n');
    expect((await run('create -s /tasks/task- "cmd"')).stdout).toBe('Created /tasks/task-0000000001\n');
    expect((await run('create -s /tasks/')).stdout).toBe('Created /tasks/0000000002\n');
  });

  it('creates ephemeral nodes owned by the session, which cannot have children', async () => {
    const { run, shell } = await shells.open();
    await run('create -e /master "master1.example.com:2223"');
    const owner = `0x${shell.session.client!.sessionId.toString(16)}`;
    expect((await run('stat /master')).stdout).toContain(`ephemeralOwner = ${owner}\n`);
    expect(await run('create /master/child')).toMatchObject({
      status: 1,
      stderr: 'Ephemerals cannot have children: /master/child\n',
    });
    await run('create /locks');
    expect((await run('create -e -s /locks/lock-')).stdout).toBe('Created /locks/lock-0000000000\n');
    const ephemerals = (await run('getEphemerals')).stdout;
    expect(ephemerals).toMatch(/^\[.*\]\n$/);
    expect(ephemerals.slice(1, -2).split(', ').sort()).toEqual(['/locks/lock-0000000000', '/master']);
    expect((await run('getEphemerals /lo')).stdout).toBe('[/locks/lock-0000000000]\n');
  });

  it('creates containers, which the server removes once their last child is gone', async () => {
    const { run } = await shells.open();
    expect((await run('create -c /box')).stdout).toBe('Created /box\n');
    await run('create /box/item');
    await run('delete /box/item');
    await eventually(
      async () => expect((await run('stat /box')).stderr).toBe('Node does not exist: /box\n'),
      {
        timeoutMs: 15_000,
        intervalMs: 200,
      },
    );
  });

  it('creates TTL nodes, which the server removes after the TTL without changes', async () => {
    const { run } = await shells.open();
    expect((await run('create -t 300 /lease x')).stdout).toBe('Created /lease\n');
    expect((await run('create -s -t 300 /lease-')).stdout).toMatch(/^Created \/lease-\d{10}\n$/);
    expect((await run('stat /lease')).status).toBe(0);
    await eventually(async () => expect((await run('ls /')).stdout).not.toMatch(/lease/), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
  });
});

describe('ls', () => {
  it('lists children sorted, with -s the parent Stat', async () => {
    const { run } = await shells.open();
    await run('create /dir');
    for (const name of ['b', 'a', 'c']) await run(`create /dir/${name}`);
    expect((await run('ls /dir')).stdout).toBe('[a, b, c]\n');
    const { stdout } = await run('ls -s /dir');
    expect(stdout.startsWith('[a, b, c]\ncZxid = 0x')).toBe(true);
    expect(stdout).toContain('numChildren = 3\n');
    expect((await run('ls /dir/a')).stdout).toBe('[]\n');
    expect(await run('ls /nothere')).toMatchObject({ status: 1, stderr: 'Node does not exist: /nothere\n' });
  });

  it('ls -R prints the node, then its children, then each child subtree, like ZKUtil.visitSubTreeDFS', async () => {
    const { run } = await shells.open();
    for (const path of ['/t', '/t/b', '/t/a', '/t/a/y', '/t/a/x', '/t/b/z']) await run(`create ${path}`);
    expect((await run('ls -R /t')).stdout).toBe(
      ['/t', '/t/a', '/t/b', '/t/a/x', '/t/a/y', '/t/b/z', ''].join('\n'),
    );
    expect((await run('ls -R /t/a/x')).stdout).toBe('/t/a/x\n');
    expect((await run('ls -R /missing')).stderr).toBe('Node does not exist: /missing\n');
  });
});

describe('delete and deleteall', () => {
  it('delete removes a leaf, refuses a parent and checks -v', async () => {
    const { run } = await shells.open();
    await run('create /d x');
    await run('create /d/child');
    expect(await run('delete /d')).toMatchObject({ status: 1, stderr: 'Node not empty: /d\n' });
    expect(await run('delete -v 3 /d/child')).toMatchObject({
      status: 1,
      stderr: 'version No is not valid : /d/child\n',
    });
    expect(await run('delete -v 0 /d/child')).toMatchObject({ status: 0, text: '' });
    expect(await run('delete /d')).toMatchObject({ status: 0 });
    expect((await run('delete /d')).stderr).toBe('Node does not exist: /d\n');
  });

  it('deleteall removes a whole subtree and reports a missing node', async () => {
    const { run } = await shells.open();
    await run('create /del');
    for (const path of ['/tree', '/tree/a', '/tree/a/b', '/tree/a/b/c', '/tree/d'])
      await run(`create /del${path} x`);
    await run('create /del/kept');
    expect(await run('deleteall /del/tree -b 100')).toMatchObject({ status: 0, text: '' });
    expect((await run('ls /del')).stdout).toBe('[kept]\n');
    expect(await run('deleteall /del/tree')).toMatchObject({
      status: 1,
      stderr: 'Node does not exist: /del/tree\n',
    });
  });
});
