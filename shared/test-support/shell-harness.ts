import { afterEach } from 'vitest';
import type { TestZooKeeper } from './index.ts';
import { Shell, type ShellOptions } from '../src/shell/shell.ts';

export interface ShellUnderTest {
  readonly shell: Shell;
  /** runs one line; returns its own output (both streams, in order) */
  run(line: string): Promise<{ status: number; text: string; stdout: string; stderr: string }>;
  /** everything printed so far, watch events included, with the connect string replaced by <zk> */
  transcript(): string;
  /** forget what was printed so far */
  clearTranscript(): void;
}

/**
 * Shells for integration tests, connected to the test file's chroot on the shared ensemble and
 * closed after each test.
 */
export function useShells(zk: TestZooKeeper): {
  open(options?: Partial<ShellOptions>): Promise<ShellUnderTest>;
} {
  const opened: Shell[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((shell) => shell.close({ quietly: true })));
  });
  return {
    async open(options = {}) {
      const shell = new Shell({ connectString: zk.connectString, sessionTimeoutMs: 10_000, ...options });
      opened.push(shell);
      let text = '';
      shell.on('output', (chunk) => (text += chunk.text));
      if (!(await shell.connect())) throw new Error(`shell did not connect to ${zk.connectString}`);
      return {
        shell,
        run: (line) => shell.executeLine(line),
        transcript: () => text.split(shell.connectString).join('<zk>'),
        clearTranscript: () => {
          text = '';
        },
      };
    },
  };
}

/** Blanks the values of Stat lines that differ from run to run (zxids, times, owner). */
export function maskStat(text: string): string {
  return text
    .replace(/^(cZxid|mZxid|pZxid|ephemeralOwner) = 0x[0-9a-f]+$/gm, '$1 = 0x…')
    .replace(/^(ctime|mtime) = .+$/gm, '$1 = …');
}
