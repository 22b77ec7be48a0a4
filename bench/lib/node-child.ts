import { fileURLToPath } from 'node:url';
import type { ChildCommand } from './child-process.ts';

/** The repository root: children resolve `tsx` and relative paths from here. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface NodeChildOptions {
  label: string;
  timeoutMs: number;
  /** allows global.gc(), for heap measurements */
  exposeGc?: boolean;
  /** writes a V8 CPU profile (.cpuprofile, open it in Chrome DevTools) into this directory */
  cpuProfileDirectory?: string | undefined;
}

/**
 * A program in a fresh Node process, so each run starts with a cold JIT and an empty heap, as each
 * Java run starts in a fresh JVM, and its memory is its own. A `.ts` script runs through tsx, a
 * `.js` one (see typescript-build.ts) as it is.
 */
export function nodeScript(script: string, args: readonly string[], options: NodeChildOptions): ChildCommand {
  return {
    command: process.execPath,
    args: [
      ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []),
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(options.cpuProfileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDirectory}`] : []),
      script,
      ...args,
    ],
    label: options.label,
    cwd: REPOSITORY_ROOT,
    timeoutMs: options.timeoutMs,
  };
}
