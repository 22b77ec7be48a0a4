import { describe, expect, it } from 'vitest';
import { Shell } from './shell.ts';

// A shell that never connects: everything here is decided before any request would be sent.
const offline = (): Shell => new Shell({ connectString: '127.0.0.1:1' });

describe('Shell.executeLine without a server', () => {
  it('prints the usage listing and "Command not found" for an unknown command, with status 127', async () => {
    const result = await offline().executeLine('bogus /x');
    expect(result.status).toBe(127);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('zk-cookbook shell [--server host:port[,host:port...][/chroot]] cmd args');
    expect(lines).toContain('\tls [-s] [-w] [-R] path');
    expect(lines).toContain('\tcreate [-s] [-e] [-c] [-t ttl] path [data] [acl]');
    expect(lines.at(-2)).toBe('Command not found: bogus');
  });

  it('lists commands sorted as Java sorts strings (capitals first)', async () => {
    const { stdout, status } = await offline().executeLine('help');
    expect(status).toBe(0);
    const names = stdout
      .split('\n')
      .filter((line) => line.startsWith('\t'))
      .map((line) => line.trim().split(' ')[0]);
    expect(names.slice(0, 3)).toEqual(['addWatch', 'addauth', 'close']);
    expect(names).toEqual(
      expect.arrayContaining(['getAllChildrenNumber', 'removewatches', 'whoami', 'version']),
    );
  });

  it.each([
    ['ls', 'ls [-s] [-w] [-R] path'],
    ['create -e', 'create [-s] [-e] [-c] [-t ttl] path [data] [acl]'],
    ['set /x', 'set [-s] [-v version] path data'],
    ['setAcl /x', 'setAcl [-s] [-v version] [-R] path acl'],
    ['addauth', 'addauth scheme auth'],
    ['redo', 'redo cmdno'],
  ])('answers bad syntax "%s" with the usage line', async (line, usage) => {
    const result = await offline().executeLine(line);
    expect(result).toMatchObject({ status: 1, stdout: '', stderr: `${usage}\n` });
  });

  it('names an unknown option, then gives the usage line', async () => {
    const result = await offline().executeLine('ls -x /');
    expect(result.stderr).toBe('Unrecognized option: -x\nls [-s] [-w] [-R] path\n');
    expect(result.status).toBe(1);
  });

  it('checks arguments before the connection, with zkCli messages', async () => {
    const shell = offline();
    expect((await shell.executeLine('get a/b')).stderr).toBe('Path must start with / character\n');
    expect((await shell.executeLine('create -c -e /x')).stderr).toBe(
      '-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.\n',
    );
    expect((await shell.executeLine('create -t 1000 -e /x')).stderr).toBe(
      'TTLs cannot be used with Ephemeral znodes\n',
    );
    expect((await shell.executeLine('create -t soon /x')).stderr).toBe('-t argument must be a long value\n');
    expect((await shell.executeLine('create -t 0 /x')).stderr).toBe(
      'ttl must be positive and cannot be larger than: 1099511627775\n',
    );
    expect((await shell.executeLine('addWatch -m sometimes /x')).stderr).toMatch(
      /^addWatch \[-m mode\] path # optional/,
    );
  });

  it('says "Not connected" for a valid command without a session', async () => {
    const result = await offline().executeLine('ls /');
    expect(result).toMatchObject({ status: 1, stderr: 'Not connected\n' });
  });

  it('numbers every non-empty line; blank lines and comments are not commands', async () => {
    const shell = offline();
    expect(shell.prompt).toBe('[zk: 127.0.0.1:1(NOT_CONNECTED) 0] ');
    await shell.executeLine('   ');
    await shell.executeLine('# a comment');
    await shell.executeLine('version');
    await shell.executeLine('bogus');
    expect(shell.prompt).toBe('[zk: 127.0.0.1:1(NOT_CONNECTED) 2] ');
    const { stdout } = await shell.executeLine('history');
    expect(stdout).toBe('0 - version\n1 - bogus\n2 - history\n');
  });

  it('history shows the last eleven entries', async () => {
    const shell = offline();
    for (let i = 0; i < 14; i++) await shell.executeLine(`printwatches on`);
    const { stdout } = await shell.executeLine('history');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('4 - printwatches on');
    expect(lines[10]).toBe('14 - history');
  });

  it('redo re-runs a numbered line and records that line in its place', async () => {
    const shell = offline();
    await shell.executeLine('printwatches off');
    await shell.executeLine('printwatches');
    const redone = await shell.executeLine('redo 1');
    expect(redone).toMatchObject({ status: 0, stdout: 'printwatches is off\n' });
    expect((await shell.executeLine('history')).stdout).toBe(
      '0 - printwatches off\n1 - printwatches\n2 - printwatches\n3 - history\n',
    );
  });

  it('redo passes on the status of the line it re-runs', async () => {
    const shell = offline();
    await shell.executeLine('ls /');
    expect(await shell.executeLine('redo 0')).toMatchObject({ status: 1, stderr: 'Not connected\n' });
  });

  it('refuses to redo itself, a later line, or another redo', async () => {
    const shell = offline();
    await shell.executeLine('version');
    expect((await shell.executeLine('redo 1')).stderr).toBe('Command index out of range\n');
    expect((await shell.executeLine('redo 7')).stderr).toBe('Command index out of range\n');
    expect((await shell.executeLine('redo 1')).stderr).toBe('No redoing redos\n');
    expect((await shell.executeLine('redo x')).stderr).toBe('redo cmdno\n');
  });

  it('quit asks the mode around the shell to stop', async () => {
    const shell = offline();
    expect((await shell.executeLine('version')).quit).toBe(false);
    expect((await shell.executeLine('quit')).quit).toBe(true);
  });

  it('reports the shell and package version', async () => {
    expect((await offline().executeLine('version')).stdout).toMatch(
      /^zk-cookbook shell version: \d+\.\d+\.\d+ \(zkCli 3\.8 command syntax\)\n$/,
    );
  });

  it('streams every chunk to "output" listeners in order, and returns the same text', async () => {
    const shell = offline();
    const seen: string[] = [];
    shell.on('output', (chunk) => seen.push(`${chunk.stream}:${chunk.text}`));
    const result = await shell.executeLine('create /acl x bogus-acl');
    expect(result.text).toBe(seen.map((entry) => entry.slice(entry.indexOf(':') + 1)).join(''));
    expect(seen[0]).toBe('err:bogus-acl does not have the form scheme:id:perm\n');
  });

  it('runs lines submitted together one at a time, in order', async () => {
    const shell = offline();
    const results = await Promise.all(['version', 'ls', 'history'].map((line) => shell.executeLine(line)));
    expect(results.map((result) => result.status)).toEqual([0, 1, 0]);
    expect(results[2]!.stdout).toBe('0 - version\n1 - ls\n2 - history\n');
  });
});
