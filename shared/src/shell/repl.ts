import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createCompleter } from './completer.ts';
import type { Shell } from './shell.ts';

export interface ReplOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errorOutput: NodeJS.WritableStream;
  /** file that keeps the up-arrow history between sessions; none if undefined */
  historyFile?: string | undefined;
  /** lines of history to keep. Default 500. */
  historySize?: number;
}

const EXIT_HINT = '(To exit, press Ctrl-C again or Ctrl-D, or type quit)';

/**
 * The interactive shell on Node's readline: zkCli's prompt, up-arrow history (kept in a file between
 * sessions), Tab completion of commands and znode paths. Watch events are printed when they arrive,
 * above the prompt, which is then redrawn with whatever was being typed.
 *
 * Ctrl-C interrupts a running command (the request is abandoned; the shell says whether it may
 * still have been applied), clears a half-typed line, and on an empty line asks to be pressed again
 * to exit. Ctrl-D exits. Resolves with the exit code when the shell ends.
 */
export async function runRepl(shell: Shell, options: ReplOptions): Promise<number> {
  const historySize = options.historySize ?? 500;
  const rl = createInterface({
    input: options.input,
    output: options.output,
    completer: completerCallback(shell),
    history: loadHistory(options.historyFile, historySize),
    historySize,
    removeHistoryDuplicates: true,
    prompt: shell.prompt,
  });
  const terminal = (rl as unknown as { terminal: boolean }).terminal;
  let busy = true;
  let closed = false;
  let running: AbortController | undefined;
  let exitArmed = false;
  const pending: string[] = [];
  const interrupt = (reason: string): void => running?.abort(new Error(reason));

  const showPrompt = (preserveInput = false): void => {
    rl.setPrompt(shell.prompt);
    rl.prompt(preserveInput);
  };
  shell.on('output', (chunk) => {
    const stream = chunk.stream === 'err' ? options.errorOutput : options.output;
    if (busy || closed) {
      stream.write(chunk.text);
      return;
    }
    // Something arrived while the user sits at the prompt: print it above a fresh prompt.
    if (terminal) options.output.write('\r\x1b[2K');
    stream.write(chunk.text);
    showPrompt(true);
  });

  const finished = new Promise<void>((resolve) =>
    rl.once('close', () => {
      closed = true;
      resolve();
    }),
  );

  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (pending.length > 0 && !closed) {
      const line = pending.shift()!;
      saveHistory(options.historyFile, line);
      running = new AbortController();
      const result = await shell.executeLine(line, { signal: running.signal });
      running = undefined;
      if (result.quit) {
        rl.close();
        return;
      }
    }
    busy = false;
    if (!closed) showPrompt();
  };

  rl.on('line', (line) => {
    exitArmed = false;
    pending.push(line);
    void drain();
  });
  rl.on('SIGINT', () => {
    if (running) {
      options.output.write('^C\n');
      interrupt('interrupted by Ctrl-C');
      return;
    }
    if (rl.line.length > 0) {
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      options.output.write('^C\n');
      exitArmed = false;
      showPrompt();
      return;
    }
    if (exitArmed) {
      options.output.write('\n');
      rl.close();
      return;
    }
    exitArmed = true;
    options.output.write(`\n${EXIT_HINT}\n`);
    showPrompt();
  });

  options.output.write(`Connecting to ${shell.connectString}\n`);
  options.output.write(
    'Welcome to the zk-cookbook shell: zkCli commands, help lists them, Tab completes paths.\n',
  );
  running = new AbortController();
  try {
    const connected = await shell.connect(running.signal);
    if (!connected) {
      options.errorOutput.write('Not connected yet; still trying in the background (see the prompt).\n');
    }
  } catch (error) {
    options.errorOutput.write(`${(error as Error).message}\n`);
  }
  running = undefined;
  busy = false;
  void drain();

  await finished;
  // A command may still be running if the input closed under it (Ctrl-D mid-command).
  interrupt('the shell is closing');
  await shell.close({ quietly: true });
  return 0;
}

function completerCallback(
  shell: Shell,
): (line: string, callback: (error: Error | null, result: [string[], string]) => void) => void {
  const complete = createCompleter(shell);
  return (line, callback) => {
    complete(line).then(
      (result) => callback(null, result),
      () => callback(null, [[], line]),
    );
  };
}

/** The last `size` lines of the history file, newest first as readline wants them. */
function loadHistory(file: string | undefined, size: number): string[] {
  if (!file) return [];
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const kept = lines.slice(-size);
    // The file is only appended to while the shell runs; trim it here so it cannot grow forever.
    if (lines.length > 2 * size)
      writeFileSync(file, kept.map((line) => `${line}\n`).join(''), { mode: 0o600 });
    return kept.reverse();
  } catch {
    return [];
  }
}

function saveHistory(file: string | undefined, line: string): void {
  if (!file || line.trim() === '') return;
  try {
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience; an unwritable home directory must not break the shell.
  }
}
