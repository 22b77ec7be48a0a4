export { Shell, type ShellOptions, type CommandResult, type ShellEvents } from './shell.ts';
export { ShellSession, type SessionStateName } from './shell-session.ts';
export { runShell, type RunShellOptions } from './run-shell.ts';
export { runRepl, type ReplOptions } from './repl.ts';
export { runScript, type ScriptOptions } from './script.ts';
export { createCompleter } from './completer.ts';
export { tokenize } from './tokenize.ts';
export type { OutputChunk, OutputStream, ShellCommand, CommandContext } from './command.ts';
