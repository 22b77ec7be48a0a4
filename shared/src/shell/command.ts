import type { CallOptions, ZooKeeperClient } from '../client/index.ts';
import type { OptionSpec } from './command-options.ts';
import type { CommandHistory } from './command-history.ts';
import type { ShellSession } from './shell-session.ts';

export type OutputStream = 'out' | 'err';

export interface OutputChunk {
  stream: OutputStream;
  text: string;
}

/** What a command writes: whole lines, each ending with a newline once written. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** What commands like redo and help need from the shell around them. */
export interface ShellControl {
  readonly history: CommandHistory;
  readonly commands: readonly ShellCommand[];
  /** runs a command line as redo does: no new history entry, its status becomes redo's */
  execute(words: readonly string[]): Promise<number>;
  /** ask the mode running the shell (REPL, script) to stop after this command */
  quit(): void;
}

export interface CommandContext {
  /** positional arguments, the command name excluded */
  readonly args: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
  readonly output: CommandOutput;
  readonly session: ShellSession;
  readonly shell: ShellControl;
  /** the live client, or NotConnectedError ("Not connected") */
  client(): ZooKeeperClient;
  /** pass to every client call: carries Ctrl-C */
  readonly call: CallOptions;
}

/**
 * One shell command. Parsing follows zkCli: options per `options`, then at least `minArgs`
 * positional arguments, else the usage line `${name} ${usage}` is printed.
 */
export interface ShellCommand {
  readonly name: string;
  /** zkCli's option string, e.g. "[-s] [-w] path" */
  readonly usage: string;
  readonly options?: OptionSpec;
  readonly minArgs?: number;
  /** needs no server (help, history...): one-shot mode runs it without connecting */
  readonly local?: boolean;
  /** Runs the command; throws ShellError or ZooKeeperError on failure, or returns a non-zero status. */
  run(context: CommandContext): Promise<number | void> | number | void;
}

export function usageLine(command: ShellCommand): string {
  return command.usage ? `${command.name} ${command.usage}` : command.name;
}

export function hasFlag(context: CommandContext, letter: string): boolean {
  return context.options.has(letter);
}
