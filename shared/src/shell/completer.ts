import type { Shell } from './shell.ts';

/** How long Tab may wait for the server before giving up: completion must never hang the prompt. */
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * Tab completion as zkCli's JLineZNodeCompleter does it: the first word completes to command names,
 * a word starting with "/" completes its last segment from the children of its parent. Returns
 * readline's [candidates, the text being completed]; failures (not connected, no such parent) give
 * no candidates.
 */
export function createCompleter(shell: Shell): (line: string) => Promise<[string[], string]> {
  return async (line) => {
    const word = /\S*$/.exec(line)![0];
    const before = line.slice(0, line.length - word.length);
    if (before.trim() === '') return [shell.commandNames.filter((name) => name.startsWith(word)), word];
    if (!word.startsWith('/')) return [[], word];
    const slash = word.lastIndexOf('/');
    const parent = slash === 0 ? '/' : word.slice(0, slash);
    const prefix = word.slice(slash + 1);
    const client = shell.session.client;
    if (!client || (client.state !== 'connected' && client.state !== 'readOnly')) return [[], word];
    try {
      const { children } = await client.getChildren(parent, { timeoutMs: LOOKUP_TIMEOUT_MS });
      const matches = children
        .filter((child) => child.startsWith(prefix))
        .sort()
        .map((child) => (parent === '/' ? `/${child}` : `${parent}/${child}`));
      return [matches, word];
    } catch {
      return [[], word];
    }
  };
}
