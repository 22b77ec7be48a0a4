import { describe, expect, it } from 'vitest';
import { parseConnectString } from '../client/index.ts';
import { TcpProxy, useZooKeeper } from '../../test-support/index.ts';
import { Shell } from './shell.ts';
import { useShells } from '../../test-support/shell-harness.ts';

const zk = useZooKeeper('shell-session');
const shells = useShells(zk);

const syncConnected = '\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n';
const closed = '\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n';

describe('connect, close, quit', () => {
  it('announces the session as zkCli does and shows its state in the prompt', async () => {
    const { shell, transcript } = await shells.open();
    expect(transcript()).toBe(syncConnected);
    expect(shell.prompt).toBe(`[zk: ${zk.connectString}(CONNECTED) 0] `);
  });

  it('close ends the session; commands then say "Not connected"; connect starts a new one', async () => {
    const { shell, run, transcript, clearTranscript } = await shells.open();
    const firstSession = shell.session.client!.sessionId;
    clearTranscript();
    expect(await run('close')).toMatchObject({ status: 0, text: '' });
    expect(transcript()).toBe(closed);
    expect(shell.prompt).toMatch(/\(CLOSED\) 1\] $/);
    expect(await run('create /x')).toMatchObject({ status: 1, stderr: 'Not connected\n' });
    expect(await run('connect')).toMatchObject({ status: 0, text: '' });
    expect(transcript()).toBe(`${closed}Not connected\n${syncConnected}`);
    expect(shell.session.client!.sessionId).not.toBe(firstSession);
    expect((await run('ls /')).status).toBe(0);
  });

  it('connect host:port/chroot switches servers and root, closing the old session first', async () => {
    const { shell, run, transcript, clearTranscript } = await shells.open();
    await run('create /sub');
    await run('create /sub/inside');
    clearTranscript();
    expect((await run(`connect ${zk.connectString}/sub`)).status).toBe(0);
    expect(transcript()).toBe(closed + syncConnected);
    expect(shell.prompt).toBe(`[zk: ${zk.connectString}/sub(CONNECTED) 3] `);
    expect((await run('ls /')).stdout).toBe('[inside]\n');
  });

  it('a bad connect string is refused and the current session kept', async () => {
    const { run } = await shells.open();
    expect(await run('connect 127.0.0.1:99999')).toMatchObject({
      status: 1,
      stderr: 'bad port in "127.0.0.1:99999": expected 1-65535\n',
    });
    expect((await run('ls /')).status).toBe(0);
  });

  it('connect reports a server that does not answer, and keeps trying in the background', async () => {
    const shell = new Shell({ connectString: '127.0.0.1:1', connectTimeoutMs: 300 });
    try {
      const result = await shell.executeLine('connect');
      expect(result).toMatchObject({
        status: 1,
        stderr: 'Not connected to 127.0.0.1:1 yet; still trying in the background\n',
      });
      expect(shell.prompt).toBe('[zk: 127.0.0.1:1(CONNECTING) 1] ');
    } finally {
      await shell.close({ quietly: true });
    }
  });

  it('quit closes the session and asks the shell to end', async () => {
    const { run, transcript, clearTranscript } = await shells.open();
    clearTranscript();
    expect(await run('quit')).toMatchObject({ status: 0, quit: true });
    expect(transcript()).toBe(closed);
  });

  it('an aborted command (Ctrl-C) is interrupted, saying whether it may have been applied', async () => {
    const [server] = parseConnectString(zk.ensembleConnectString).servers;
    const proxy = await TcpProxy.start(server!);
    const shell = new Shell({ connectString: `${proxy.address}${zk.chroot}`, sessionTimeoutMs: 10_000 });
    try {
      expect(await shell.connect()).toBe(true);
      proxy.setMode('blackhole');
      const interrupt = new AbortController();
      const pending = shell.executeLine('create /never-answered', { signal: interrupt.signal });
      setImmediate(() => interrupt.abort());
      const result = await pending;
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /^Interrupted: ABORTED: create \/never-answered: aborted (after|before) sending/,
      );
      expect(shell.prompt).toMatch(/\((CONNECTED|CONNECTING)\) 1\] $/);
    } finally {
      await proxy.close(); // first, so that closing the session does not wait for a silent server
      await shell.close({ quietly: true });
    }
  });
});
