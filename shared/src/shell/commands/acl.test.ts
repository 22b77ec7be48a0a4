import { describe, expect, it } from 'vitest';
import { digestId } from '../../client/index.ts';
import { useZooKeeper } from '../../../test-support/index.ts';
import { maskStat, useShells } from '../../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-acl');
const shells = useShells(zk);
const alice = digestId('alice', 'wonderland').id;

describe('getAcl, setAcl, addauth, whoami', () => {
  it('getAcl prints each entry as zkCli does; -s adds the Stat', async () => {
    const { run } = await shells.open();
    await run('create /open x');
    expect((await run('getAcl /open')).stdout).toBe("'world,'anyone\n: cdrwa\n");
    const { stdout } = await run('getAcl -s /open');
    expect(maskStat(stdout)).toMatch(/^'world,'anyone\n: cdrwa\ncZxid = 0x…\n/);
    expect(stdout).toContain('aclVersion = 0\n');
    expect((await run('getAcl /nothere')).stderr).toBe('Node does not exist: /nothere\n');
  });

  it('after setAcl to a digest user, others get "Insufficient permission" until they addauth', async () => {
    const { run } = await shells.open();
    await run('create /secret "the plans"');
    expect(await run(`setAcl /secret digest:${alice}:cdrwa`)).toMatchObject({ status: 0, text: '' });
    expect(await run('get /secret')).toMatchObject({
      status: 1,
      stderr: 'Insufficient permission : /secret\n',
    });
    expect((await run('set /secret x')).stderr).toBe('Insufficient permission : /secret\n');
    expect((await run('getAcl /secret')).stderr).toBe('Insufficient permission : /secret\n');

    expect(await run('addauth digest alice:wonderland')).toMatchObject({ status: 0, text: '' });
    expect((await run('get /secret')).stdout).toBe('the plans\n');
    expect((await run('getAcl /secret')).stdout).toBe(`'digest,'${alice}\n: cdrwa\n`);
    expect((await run('whoami')).stdout).toBe('Auth scheme: User\nip: 127.0.0.1\ndigest: alice\n');

    const stranger = await shells.open();
    expect((await stranger.run('get /secret')).stderr).toBe('Insufficient permission : /secret\n');
    expect((await stranger.run('whoami')).stdout).toBe('Auth scheme: User\nip: 127.0.0.1\n');
  });

  it('create takes an ACL as its third argument', async () => {
    const { run } = await shells.open();
    expect((await run('create /readonly v world:anyone:r')).stdout).toBe('Created /readonly\n');
    expect((await run('getAcl /readonly')).stdout).toBe("'world,'anyone\n: r\n");
    expect((await run('set /readonly w')).stderr).toBe('Insufficient permission : /readonly\n');
    expect((await run('get /readonly')).stdout).toBe('v\n');
  });

  it('auth:: grants the identities of the creating session, and needs one', async () => {
    const { run } = await shells.open();
    await run('create /mine x');
    expect(await run('setAcl /mine auth::cdrwa')).toMatchObject({
      status: 1,
      stderr: 'Acl is not valid : /mine\n',
    });
    await run('addauth digest alice:wonderland');
    expect(await run('setAcl /mine auth::cdrwa')).toMatchObject({ status: 0 });
    expect((await run('getAcl /mine')).stdout).toBe(`'digest,'${alice}\n: cdrwa\n`);
  });

  it('reports malformed ACL entries and unknown letters like zkCli, and refuses an empty ACL', async () => {
    const { run } = await shells.open();
    expect(await run('create /bad x bogus')).toMatchObject({
      status: 1,
      stderr:
        'bogus does not have the form scheme:id:perm\nKeeperErrorCode = InvalidACL for /bad\nAcl is not valid : /bad\n',
    });
    const lenient = await run('create /odd x world:anyone:rq');
    expect(lenient.stderr).toBe('Unknown perm type: q\n');
    expect(lenient.stdout).toBe('Created /odd\n');
    expect((await run('getAcl /odd')).stdout).toBe("'world,'anyone\n: r\n");
  });

  it('setAcl checks -v, and -s prints the Stat with the new aclVersion', async () => {
    const { run } = await shells.open();
    await run('create /versioned x');
    expect((await run('setAcl -v 4 /versioned world:anyone:cdrw')).stderr).toBe(
      'version No is not valid : /versioned\n',
    );
    const { stdout } = await run('setAcl -s -v 0 /versioned world:anyone:cdrw');
    expect(stdout).toContain('aclVersion = 1\n');
    expect((await run('setAcl /nothere world:anyone:r')).stderr).toBe('Node does not exist: /nothere\n');
  });

  it('setAcl -R changes a whole subtree', async () => {
    const { run } = await shells.open();
    for (const path of ['/r', '/r/a', '/r/a/b', '/r/c']) await run(`create ${path} x`);
    expect(await run('setAcl -R /r world:anyone:cdr')).toMatchObject({ status: 0, text: '' });
    for (const path of ['/r', '/r/a', '/r/a/b', '/r/c']) {
      expect((await run(`getAcl ${path}`)).stdout).toBe("'world,'anyone\n: cdr\n");
    }
    expect((await run('setAcl -R /nothere world:anyone:r')).stderr).toBe('Node does not exist: /nothere\n');
  });

  it('rejected credentials end the session with AuthFailed, as the server closes it', async () => {
    const { run, shell, transcript } = await shells.open();
    expect(await run('addauth nosuchscheme secret')).toMatchObject({
      status: 1,
      stderr: 'KeeperErrorCode = AuthFailed\n',
    });
    expect(transcript()).toContain('WatchedEvent state:AuthFailed type:None path:null\n');
    expect(shell.prompt).toMatch(/\(AUTH_FAILED\) \d+\] $/);
    expect((await run('ls /')).stderr).toBe('Not connected\n');
  });
});
