import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../test-support/index.ts';
import { runRepl } from './repl.ts';
import { Shell } from './shell.ts';

const zk = useZooKeeper('shell-repl');

/** The REPL on plain streams: what a terminal would show, and a keyboard to type into. */
function startRepl(historyFile?: string): {
  type: (line: string) => void;
  /** Ctrl-D */
  end: () => void;
  screen: () => string;
  exited: Promise<number>;
  shell: Shell;
} {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
  const shell = new Shell({ connectString: zk.connectString, sessionTimeoutMs: 10_000 });
  const exited = runRepl(shell, { input, output, errorOutput: output, historyFile });
  return {
    type: (line) => input.write(`${line}\n`),
    end: () => input.end(),
    screen: () => screen.split(zk.connectString).join('<zk>'),
    exited,
    shell,
  };
}

describe('interactive mode', () => {
  it('greets, prompts with the state and number, runs lines in order and ends with quit', async () => {
    const repl = startRepl();
    await eventually(() => expect(repl.screen()).toContain('[zk: <zk>(CONNECTED) 0] '));
    repl.type('create /typed "by hand"');
    repl.type('get /typed');
    repl.type('quit');
    expect(await repl.exited).toBe(0);
    expect(repl.screen()).toBe(
      [
        'Connecting to <zk>',
        'Welcome to the zk-cookbook shell: zkCli commands, help lists them, Tab completes paths.',
        '',
        'WATCHER::',
        '',
        'WatchedEvent state:SyncConnected type:None path:null',
        '[zk: <zk>(CONNECTED) 0] Created /typed',
        'by hand',
        '',
        'WATCHER::',
        '',
        'WatchedEvent state:Closed type:None path:null',
        '',
      ].join('\n'),
    );
  });

  it('prints a watch event that arrives at the prompt, then prompts again', async () => {
    const repl = startRepl();
    const other = await zk.connect();
    await eventually(() => expect(repl.screen()).toContain('(CONNECTED) 0] '));
    repl.type('create /watched a');
    repl.type('get -w /watched');
    await eventually(() => expect(repl.screen()).toMatch(/a\n\[zk: <zk>\(CONNECTED\) 2\] $/));
    await other.setData('/watched', 'b');
    await eventually(() =>
      expect(repl.screen()).toMatch(
        /\[zk: <zk>\(CONNECTED\) 2\] \nWATCHER::\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:\/watched\n\[zk: <zk>\(CONNECTED\) 2\] $/,
      ),
    );
    repl.type('quit');
    await repl.exited;
  });

  it('keeps the lines typed in a history file and ends quietly at end of input', async () => {
    const historyFile = join(mkdtempSync(join(tmpdir(), 'zk-shell-history-')), 'history');
    writeFileSync(historyFile, 'ls /earlier\n');
    const repl = startRepl(historyFile);
    await eventually(() => expect(repl.screen()).toContain('(CONNECTED) 0] '));
    repl.type('ls /');
    repl.type('');
    repl.type('version');
    await eventually(() => expect(repl.screen()).toContain('zk-cookbook shell version'));
    repl.end();
    expect(await repl.exited).toBe(0);
    expect(repl.screen()).not.toContain('state:Closed');
    expect(repl.shell.session.state).toBe('CLOSED');
    expect(readFileSync(historyFile, 'utf8')).toBe('ls /earlier\nls /\nversion\n');
  });
});
