import { EventEmitter } from 'node:events';
import { isZooKeeperError, type ZooKeeperClientOptions } from '../client/index.ts';
import { CommandHistory } from './command-history.ts';
import { OptionError, parseOptions } from './command-options.ts';
import {
  usageLine,
  type CommandContext,
  type CommandOutput,
  type OutputChunk,
  type OutputStream,
  type ShellCommand,
  type ShellControl,
} from './command.ts';
import { allCommands } from './commands/index.ts';
import { printUsage } from './commands/help.ts';
import { describeError } from './messages.ts';
import { ShellError, UsageError } from './shell-error.ts';
import { ShellSession } from './shell-session.ts';
import { tokenize } from './tokenize.ts';

export interface ShellOptions {
  /** host:port[,host:port...][/chroot], used by connect() and by `connect` without arguments */
  connectString: string;
  /** session timeout asked of the server (zkCli's -timeout). Default 30 s. */
  sessionTimeoutMs?: number;
  /** how long a command may wait for its reply, time to reconnect included. Default: the session timeout. */
  requestTimeoutMs?: number;
  /** how long `connect` waits for a session. Default 15 s. */
  connectTimeoutMs?: number;
  /** accept a read-only server (zkCli's -r) */
  readOnly?: boolean;
  /** further client options, e.g. credentials */
  clientOptions?: ZooKeeperClientOptions;
}

export interface CommandResult {
  /** 0 success, 1 failure, 127 unknown command (zkCli's exit codes) */
  status: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order they were written */
  text: string;
  /** the command asked the shell to end (quit) */
  quit: boolean;
}

export interface ShellEvents {
  /** everything the shell prints, as it is printed: command output and asynchronous watch events */
  output: [OutputChunk];
}

const UNKNOWN_COMMAND = 127;

/**
 * The zkCli-compatible shell without any terminal: executeLine(line) runs one command line and
 * returns what it printed and its exit status. The REPL, script mode and one-shot mode are thin loops
 * around it, and tests drive it directly.
 *
 * Output goes two ways: each result carries the command's own output, and the "output" event
 * carries every chunk as it is written, including watch events that arrive between commands.
 */
export class Shell extends EventEmitter<ShellEvents> {
  readonly session: ShellSession;
  readonly history = new CommandHistory();
  readonly commands: readonly ShellCommand[] = allCommands;
  private readonly byName = new Map(allCommands.map((command) => [command.name, command]));
  /** commands run one at a time, in the order they were submitted */
  private queue: Promise<unknown> = Promise.resolve();
  private quitRequested = false;

  constructor(options: ShellOptions) {
    super();
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    this.session = new ShellSession({
      connectString: options.connectString,
      clientOptions: {
        ...options.clientOptions,
        sessionTimeoutMs,
        requestTimeoutMs: options.requestTimeoutMs ?? sessionTimeoutMs,
        canBeReadOnly: options.readOnly ?? false,
      },
      connectTimeoutMs: options.connectTimeoutMs,
      onEvent: (text) => this.emit('output', { stream: 'out', text }),
      onWarning: (text) => this.emit('output', { stream: 'err', text: `${text}\n` }),
    });
  }

  /** the servers of the current session, or of the first connect */
  get connectString(): string {
    return this.session.connectString;
  }

  /** zkCli's prompt: "[zk: 127.0.0.1:2181(CONNECTED) 3] " */
  get prompt(): string {
    return `[zk: ${this.connectString}(${this.session.state}) ${this.history.count}] `;
  }

  get commandNames(): string[] {
    return this.commands.map((command) => command.name).sort();
  }

  command(name: string): ShellCommand | undefined {
    return this.byName.get(name);
  }

  /** Prints outside any command, e.g. the echoed command lines of a script. */
  print(text: string, stream: OutputStream = 'out'): void {
    this.emit('output', { stream, text });
  }

  /** Connects to the configured servers; false if still trying after connectTimeoutMs. */
  connect(signal?: AbortSignal): Promise<boolean> {
    return this.session.connect(this.session.connectString, signal);
  }

  /** Ends the session; `quietly` skips the Closed event (end of a script, Ctrl-D). */
  close(options: { quietly?: boolean } = {}): Promise<void> {
    return this.session.close(options);
  }

  /**
   * Runs one line: blank lines and # comments do nothing and get no history number; anything else is
   * numbered, run, and reported. Never throws: failures are statuses and messages, as in zkCli.
   */
  executeLine(line: string, options: { signal?: AbortSignal } = {}): Promise<CommandResult> {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return Promise.resolve(emptyResult());
    return this.serialize(() => {
      this.history.add(line);
      return this.run(tokenize(line), options.signal);
    });
  }

  /** Runs one command given as words, e.g. from the command line of one-shot mode; not numbered. */
  executeArgs(words: readonly string[], options: { signal?: AbortSignal } = {}): Promise<CommandResult> {
    return this.serialize(() => this.run(words, options.signal));
  }

  private serialize(task: () => Promise<CommandResult>): Promise<CommandResult> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => {});
    return result;
  }

  private async run(words: readonly string[], signal: AbortSignal | undefined): Promise<CommandResult> {
    const chunks: OutputChunk[] = [];
    const write = (stream: OutputStream, text: string): void => {
      const chunk = { stream, text };
      chunks.push(chunk);
      this.emit('output', chunk);
    };
    const output: CommandOutput = {
      out: (line) => write('out', `${line}\n`),
      err: (line) => write('err', `${line}\n`),
    };
    this.quitRequested = false;
    const status = await this.dispatch(words, output, signal);
    return {
      status,
      stdout: chunks
        .filter((chunk) => chunk.stream === 'out')
        .map((chunk) => chunk.text)
        .join(''),
      stderr: chunks
        .filter((chunk) => chunk.stream === 'err')
        .map((chunk) => chunk.text)
        .join(''),
      text: chunks.map((chunk) => chunk.text).join(''),
      quit: this.quitRequested,
    };
  }

  private async dispatch(
    words: readonly string[],
    output: CommandOutput,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const [name, ...rest] = words;
    if (name === undefined) return 0;
    const command = this.byName.get(name);
    if (!command) {
      printUsage(this.commands, output.err);
      output.err(`Command not found: ${name}`);
      return UNKNOWN_COMMAND;
    }
    try {
      let parsed;
      try {
        parsed = parseOptions(rest, command.options ?? {});
      } catch (error) {
        if (!(error instanceof OptionError)) throw error;
        throw new ShellError(`${error.message}\n${usageLine(command)}`);
      }
      if (parsed.args.length < (command.minArgs ?? 0)) throw new UsageError(usageLine(command));
      const context = this.context(parsed, output, signal);
      return (await command.run(context)) ?? 0;
    } catch (error) {
      if (error instanceof ShellError) {
        output.err(error.message);
        return error.status;
      }
      if (isZooKeeperError(error)) {
        output.err(describeError(error));
        return 1;
      }
      // A bug or an unexpected failure: say what it was, and keep the shell running.
      output.err(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      return 1;
    }
  }

  private context(
    parsed: ReturnType<typeof parseOptions>,
    output: CommandOutput,
    signal: AbortSignal | undefined,
  ): CommandContext {
    const control: ShellControl = {
      history: this.history,
      commands: this.commands,
      execute: (words) => this.dispatch(words, output, signal),
      quit: () => {
        this.quitRequested = true;
      },
    };
    return {
      args: parsed.args,
      options: parsed.options,
      output,
      session: this.session,
      shell: control,
      client: () => this.session.requireClient(),
      call: signal ? { signal } : {},
    };
  }
}

function emptyResult(): CommandResult {
  return { status: 0, stdout: '', stderr: '', text: '', quit: false };
}
