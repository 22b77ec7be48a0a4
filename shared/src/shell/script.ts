import type { Shell } from './shell.ts';

export interface ScriptOptions {
  /** stop at the first failing command (default: carry on, as zkCli does with piped input) */
  stopOnError?: boolean;
  /** print each command after the prompt before running it, so the output reads as a transcript. Default true. */
  echo?: boolean;
}

/**
 * Runs command lines one after the other — a file, or whatever is piped in. Blank lines and # comments
 * are skipped. Returns 0 if every command succeeded, else the status of the first failure; `quit`
 * ends the script early.
 */
export async function runScript(
  shell: Shell,
  lines: Iterable<string> | AsyncIterable<string>,
  options: ScriptOptions = {},
): Promise<number> {
  let status = 0;
  for await (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (options.echo ?? true) shell.print(`${shell.prompt}${line}\n`);
    const result = await shell.executeLine(line);
    if (result.status !== 0 && status === 0) status = result.status;
    if (result.quit || (result.status !== 0 && options.stopOnError)) break;
  }
  return status;
}
