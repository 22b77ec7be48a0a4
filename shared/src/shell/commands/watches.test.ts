import { describe, expect, it } from 'vitest';
import { expireSession } from '../../ensemble/index.ts';
import { eventually, useZooKeeper } from '../../../test-support/index.ts';
import { useShells } from '../../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-watches');
const shells = useShells(zk);

const event = (state: string, type: string, path: string): string =>
  `\nWATCHER::\n\nWatchedEvent state:${state} type:${type} path:${path}\n`;

/** How many times `needle` occurs in `text`. */
const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('one-shot watches (-w)', () => {
  it('get -w prints NodeDataChanged when another client changes the node, once', async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    await run('create /config v1');
    await run('get -w /config');
    await run('get -w /config'); // the same watcher twice: still one event, as in zkCli
    await other.setData('/config', 'v2');
    await eventually(() =>
      expect(transcript()).toContain(event('SyncConnected', 'NodeDataChanged', '/config')),
    );
    await other.setData('/config', 'v3');
    await other.sync('/config');
    await run('sync /config');
    expect(count(transcript(), 'NodeDataChanged')).toBe(1);
  });

  it("ls -w prints NodeChildrenChanged; the book's `ls /workers true` still works, with a warning", async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    await run('create /workers ""');
    const old = await run('ls /workers true');
    expect(old.text).toBe("'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.\n[]\n");
    await other.create('/workers/worker1.example.com', 'worker1.example.com:2224', { mode: 'ephemeral' });
    await eventually(() =>
      expect(transcript()).toContain(event('SyncConnected', 'NodeChildrenChanged', '/workers')),
    );
    await run('ls -w /workers');
    await other.close();
    await eventually(() => expect(count(transcript(), 'NodeChildrenChanged path:/workers')).toBe(2));
  });

  it('stat -w on a missing node fails but waits for its creation, as backup masters do', async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    expect((await run('stat -w /master')).stderr).toBe('Node does not exist: /master\n');
    await other.create('/master', 'master2', { mode: 'ephemeral' });
    await eventually(() => expect(transcript()).toContain(event('SyncConnected', 'NodeCreated', '/master')));
    expect((await run('stat /master true')).stderr).toBe(
      "'stat path [watch]' has been deprecated. Please use 'stat [-w] path' instead.\n",
    );
    await other.close();
    await eventually(() => expect(transcript()).toContain(event('SyncConnected', 'NodeDeleted', '/master')));
  });

  it("the shell's own change fires its watch before the command's output", async () => {
    const { run } = await shells.open();
    await run('create /own');
    await run('ls -w /own');
    const created = await run('create /own/child');
    expect(created.text).toBe('Created /own/child\n'); // the event is not part of the command's output
  });

  it('printwatches off silences events; on brings them back', async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    await run('create /quiet a');
    expect((await run('printwatches off')).text).toBe('');
    expect((await run('printwatches')).stdout).toBe('printwatches is off\n');
    await run('get -w /quiet');
    await other.setData('/quiet', 'b');
    // After a sync through the shell's own server, the notification has been delivered.
    await run('sync /quiet');
    await run('printwatches on');
    await run('get -w /quiet');
    await other.setData('/quiet', 'c');
    await run('sync /quiet');
    expect(count(transcript(), 'NodeDataChanged path:/quiet')).toBe(1);
  });
});

describe('persistent watches: addWatch and removewatches', () => {
  it('addWatch (recursive by default) reports every change below the node and keeps doing so', async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    await run('create /tree');
    expect(await run('addWatch /tree')).toMatchObject({ status: 0, text: '' });
    await other.create('/tree/a', 'x');
    await other.setData('/tree/a', 'y');
    await other.create('/tree/a/b');
    await other.delete('/tree/a/b');
    await eventually(() =>
      expect(transcript()).toContain(
        [
          event('SyncConnected', 'NodeCreated', '/tree/a'),
          event('SyncConnected', 'NodeDataChanged', '/tree/a'),
          event('SyncConnected', 'NodeCreated', '/tree/a/b'),
          event('SyncConnected', 'NodeDeleted', '/tree/a/b'),
        ].join(''),
      ),
    );
    expect(transcript()).not.toContain('NodeChildrenChanged');
  });

  it('addWatch -m persistent reports the node and its children list, several times', async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    await run('create /p');
    await run('addWatch -m PERSISTENT /p');
    await other.create('/p/one');
    await other.create('/p/two');
    await other.setData('/p', 'changed');
    await other.create('/p/one/deep'); // below a child: a plain persistent watch does not see it
    await other.setData('/p', 'again');
    await eventually(() => expect(count(transcript(), 'NodeDataChanged path:/p\n')).toBe(2));
    expect(count(transcript(), 'NodeChildrenChanged path:/p\n')).toBe(2);
    expect(transcript()).not.toContain('/p/one/deep');
    expect((await run('addWatch -m sometimes /p')).stderr).toMatch(/^addWatch \[-m mode\] path/);
  });

  it('removewatches removes by type, reports the removal once, and then the watch stays silent', async () => {
    const { run, transcript } = await shells.open();
    const other = await zk.connect();
    await run('create /rw a');
    await run('get -w /rw');
    await run('ls -w /rw');
    expect(await run('removewatches /rw -d')).toMatchObject({ status: 0, text: '' });
    expect(transcript()).toContain(event('SyncConnected', 'DataWatchRemoved', '/rw'));
    expect((await run('removewatches /rw -d')).stderr).toBe('KeeperErrorCode = No such watcher for /rw\n');
    await other.setData('/rw', 'b');
    await run('removewatches /rw -c');
    expect(transcript()).toContain(event('SyncConnected', 'ChildWatchRemoved', '/rw'));
    await other.create('/rw/child');
    await run('sync /rw');
    await run('get /rw'); // a round trip after the changes: any event would have arrived by now
    expect(transcript()).not.toContain('NodeDataChanged');
    expect(transcript()).not.toContain('NodeChildrenChanged');

    await run('addWatch -m persistent /rw');
    await run('addWatch /rw');
    expect(await run('removewatches /rw')).toMatchObject({ status: 0 });
    expect(count(transcript(), 'PersistentWatchRemoved path:/rw')).toBe(1);
    expect((await run('removewatches /nothere')).stderr).toBe(
      'KeeperErrorCode = No such watcher for /nothere\n',
    );
  });
});

describe('state changes', () => {
  it('prints Disconnected and SyncConnected when the connection drops and the session survives', async () => {
    const { shell, run, transcript, clearTranscript } = await shells.open();
    clearTranscript();
    shell.session.client!.dropConnection();
    await eventually(() =>
      expect(transcript()).toBe(
        event('Disconnected', 'None', 'null') + event('SyncConnected', 'None', 'null'),
      ),
    );
    expect(shell.prompt).toMatch(/\(CONNECTED\) 0\] $/);
    expect((await run('ls /')).status).toBe(0);
  });

  it('prints Expired when the session ends; commands then say "Not connected" until connect', async () => {
    const { shell, run, transcript } = await shells.open();
    await run('create -e /ephemeral');
    const client = shell.session.client!;
    await expireSession(zk.ensembleConnectString, {
      sessionId: client.sessionId,
      sessionPassword: client.sessionPassword,
    });
    await eventually(() => expect(transcript()).toContain(event('Expired', 'None', 'null')), {
      timeoutMs: 20_000,
    });
    expect(transcript()).not.toContain('state:Closed');
    expect(shell.prompt).toMatch(/\(CLOSED\) 1\] $/);
    expect(await run('ls /')).toMatchObject({ status: 1, stderr: 'Not connected\n' });
    expect(await run('connect')).toMatchObject({ status: 0, text: '' });
    expect(shell.prompt).toMatch(/\(CONNECTED\) 3\] $/);
    expect((await run('ls /')).stdout).not.toContain('ephemeral');
  });
});
