import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '../../test-support/index.ts';
import { createCompleter } from './completer.ts';
import { Shell } from './shell.ts';
import { useShells } from '../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-completer');
const shells = useShells(zk);

describe('Tab completion', () => {
  it('completes the last path segment from the children of its parent', async () => {
    const { shell, run } = await shells.open();
    for (const path of [
      '/workers',
      '/workers/worker-1',
      '/workers/worker-2',
      '/workers/other',
      '/work',
      '/tasks',
    ]) {
      await run(`create ${path}`);
    }
    const complete = createCompleter(shell);
    expect(await complete('ls /wor')).toEqual([['/work', '/workers'], '/wor']);
    expect(await complete('get -s /workers/worker-')).toEqual([
      ['/workers/worker-1', '/workers/worker-2'],
      '/workers/worker-',
    ]);
    expect(await complete('ls /workers/')).toEqual([
      ['/workers/other', '/workers/worker-1', '/workers/worker-2'],
      '/workers/',
    ]);
    expect(await complete('ls /')).toEqual([['/tasks', '/work', '/workers'], '/']);
    expect(await complete('ls /zzz')).toEqual([[], '/zzz']);
  });

  it('offers nothing for a missing parent or a word that is not a path', async () => {
    const { shell } = await shells.open();
    const complete = createCompleter(shell);
    expect(await complete('ls /no/such/parent/x')).toEqual([[], '/no/such/parent/x']);
    expect(await complete('create -e')).toEqual([[], '-e']);
    expect(await complete('ls ')).toEqual([[], '']);
  });

  it('completes command names in the first word', async () => {
    const complete = createCompleter(new Shell({ connectString: '127.0.0.1:1' }));
    expect(await complete('get')).toEqual([
      ['get', 'getAcl', 'getAllChildrenNumber', 'getEphemerals'],
      'get',
    ]);
    expect(await complete('  del')).toEqual([['delete', 'deleteall'], 'del']);
    expect((await complete(''))[0]).toContain('addWatch');
  });

  it('offers no paths while not connected', async () => {
    const complete = createCompleter(new Shell({ connectString: '127.0.0.1:1' }));
    expect(await complete('ls /a')).toEqual([[], '/a']);
  });
});
