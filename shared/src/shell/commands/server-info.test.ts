import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '../../../test-support/index.ts';
import { useShells } from '../../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-server-info');
const shells = useShells(zk);

describe('getEphemerals, getAllChildrenNumber, sync, config', () => {
  it("getEphemerals lists this session's ephemerals under a prefix", async () => {
    const { run } = await shells.open();
    const other = await shells.open();
    await run('create /e');
    await run('create -e /e/mine');
    await other.run('create -e /e/theirs');
    expect((await run('getEphemerals /e')).stdout).toBe('[/e/mine]\n');
    expect((await run('getEphemerals /nothing-here')).stdout).toBe('[]\n');
    expect((await other.run('getEphemerals')).stdout).toBe('[/e/theirs]\n');
  });

  it('getAllChildrenNumber counts descendants at every level', async () => {
    const { run } = await shells.open();
    for (const path of ['/n', '/n/a', '/n/a/b', '/n/a/c', '/n/d']) await run(`create ${path}`);
    expect((await run('getAllChildrenNumber /n')).stdout).toBe('4\n');
    expect((await run('getAllChildrenNumber /n/d')).stdout).toBe('0\n');
    expect((await run('getAllChildrenNumber /gone')).stderr).toBe('Node does not exist: /gone\n');
  });

  it('sync says "Sync is OK"', async () => {
    const { run } = await shells.open();
    expect(await run('sync /')).toMatchObject({ status: 0, stdout: 'Sync is OK\n' });
  });

  it('config prints the ensemble membership; -c the client view; -s adds the Stat', async () => {
    const { run } = await shells.open();
    const { stdout, status } = await run('config');
    expect(status).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => /^server\.\d+=127\.0\.0\.1:\d+:\d+:participant/.test(line))).toHaveLength(
      3,
    );
    expect(lines.at(-1)).toMatch(/^version=[0-9a-f]+$/);
    const version = lines.at(-1)!.slice('version='.length);
    expect((await run('config -c')).stdout).toBe(`${version} ,,\n`);
    const withStat = await run('config -s');
    expect(withStat.stdout.startsWith(stdout)).toBe(true);
    expect(withStat.stdout).toContain(`dataLength = ${Buffer.byteLength(stdout.trimEnd())}\n`);
  });
});
