import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { runRepl } from './repl.ts';
import { runScript } from './script.ts';
import { Shell } from './shell.ts';

export interface RunShellOptions {
  connectString: string;
  /** one command to run, then exit (one-shot mode) */
  command?: readonly string[];
  /** a script to run (script mode); without it, stdin is read as a script when it is not a terminal */
  file?: string | undefined;
  stopOnError?: boolean;
  sessionTimeoutMs?: number;
  connectTimeoutMs?: number;
  readOnly?: boolean;
  /** up-arrow history of the interactive mode */
  historyFile?: string | undefined;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Picks the mode and runs it, returning the process exit code:
 * - one-shot: `command` given — run it and exit with its status; only its own output is printed
 *   (no connection banner or events), so it composes in shell scripts;
 * - script: `file` given, or stdin is not a terminal — run every line, echoed as a transcript;
 * - interactive: otherwise.
 */
export async function runShell(options: RunShellOptions): Promise<number> {
  const shell = new Shell({
    connectString: options.connectString,
    sessionTimeoutMs: options.sessionTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    readOnly: options.readOnly,
  });
  const interactive = !options.command?.length && !options.file && options.stdin.isTTY === true;
  if (interactive)
    return runRepl(shell, {
      ...options,
      input: options.stdin,
      output: options.stdout,
      errorOutput: options.stderr,
    });

  shell.on('output', (chunk) => (chunk.stream === 'err' ? options.stderr : options.stdout).write(chunk.text));
  const fail = (message: string): number => {
    options.stderr.write(`${message}\n`);
    return 1;
  };
  try {
    if (options.command?.length) {
      shell.session.printWatches = false;
      const command = shell.command(options.command[0]!);
      const needsServer = command !== undefined && !command.local;
      if (needsServer && !(await connectOrExplain(shell, fail))) return 1;
      return (await shell.executeArgs(options.command)).status;
    }
    let fileLines: string[] | undefined;
    if (options.file) {
      try {
        fileLines = (await readFile(options.file, 'utf8')).split(/\r?\n/);
      } catch (error) {
        return fail(`cannot read script ${options.file}: ${(error as Error).message}`);
      }
    }
    if (!(await connectOrExplain(shell, fail))) return 1;
    // readline drops lines read before iteration starts, so stdin is opened only now.
    const lines = fileLines ?? createInterface({ input: options.stdin, terminal: false });
    return await runScript(shell, lines, { stopOnError: options.stopOnError ?? false });
  } finally {
    await shell.close({ quietly: true });
  }
}

async function connectOrExplain(shell: Shell, fail: (message: string) => number): Promise<boolean> {
  try {
    if (await shell.connect()) return true;
    fail(`Unable to connect to ${shell.connectString}: no session within the connect timeout`);
  } catch (error) {
    fail(`Unable to connect to ${shell.connectString}: ${(error as Error).message}`);
  }
  return false;
}
