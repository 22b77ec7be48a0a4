import { describe, expect, it } from 'vitest';
import { runScript } from './script.ts';
import { Shell } from './shell.ts';

function recordedShell(): { shell: Shell; transcript: () => string } {
  const shell = new Shell({ connectString: '127.0.0.1:1' });
  let text = '';
  shell.on('output', (chunk) => (text += chunk.text));
  return { shell, transcript: () => text };
}

const script = ['# set up', '', 'printwatches', 'ls /', 'version', 'quit', 'history'];

describe('runScript', () => {
  it('echoes each command after the prompt, skips comments and blank lines, and stops at quit', async () => {
    const { shell, transcript } = recordedShell();
    const status = await runScript(shell, script);
    expect(transcript()).toMatch(
      new RegExp(
        [
          '^\\[zk: 127\\.0\\.0\\.1:1\\(NOT_CONNECTED\\) 0\\] printwatches\\n',
          'printwatches is on\\n',
          '\\[zk: 127\\.0\\.0\\.1:1\\(NOT_CONNECTED\\) 1\\] ls /\\n',
          'Not connected\\n',
          '\\[zk: 127\\.0\\.0\\.1:1\\(NOT_CONNECTED\\) 2\\] version\\n',
          'zk-cookbook shell version: .*\\n',
          '\\[zk: 127\\.0\\.0\\.1:1\\(NOT_CONNECTED\\) 3\\] quit\\n$',
        ].join(''),
      ),
    );
    expect(status).toBe(1);
  });

  it('with stopOnError, ends at the first failing command', async () => {
    const { shell, transcript } = recordedShell();
    expect(await runScript(shell, script, { stopOnError: true })).toBe(1);
    expect(transcript()).not.toContain('version');
  });

  it('returns 0 when every command succeeded, and can run without echo', async () => {
    const { shell, transcript } = recordedShell();
    expect(await runScript(shell, ['printwatches off', 'printwatches'], { echo: false })).toBe(0);
    expect(transcript()).toBe('printwatches is off\n');
  });

  it('reads lines from an async source such as stdin', async () => {
    const { shell, transcript } = recordedShell();
    async function* lines(): AsyncGenerator<string> {
      yield 'printwatches';
      yield 'bogus';
    }
    expect(await runScript(shell, lines(), { echo: false })).toBe(127);
    expect(transcript()).toMatch(/^printwatches is on\n.*Command not found: bogus\n$/s);
  });
});
