import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { integerOption } from '../integer-option.ts';

interface ShellCliOptions {
  server?: string;
  file?: string;
  stopOnError?: boolean;
  timeout: number;
  connectTimeout: number;
  readOnly?: boolean;
}

export function register(program: Command): void {
  program
    .command('shell')
    .description(
      'a zkCli-compatible ZooKeeper shell: interactive, one command (shell ls -R /), ' +
        'or a script (--file, or piped into stdin)',
    )
    .argument('[command...]', 'run this one command and exit with its status, e.g. get -s /config')
    .option(
      '--server <servers>',
      'host:port[,host:port...][/chroot] (default: $ZK_CONNECT, else 127.0.0.1:2181)',
    )
    .option('-f, --file <script>', 'run the commands of a file, echoing each one like a transcript')
    .option('--stop-on-error', 'in a script, stop at the first command that fails')
    .option('--timeout <ms>', 'session timeout', integerOption(1), 30_000)
    .option('--connect-timeout <ms>', 'how long to wait for a session', integerOption(1), 15_000)
    .option('--read-only', 'accept a read-only server when no quorum is reachable')
    // The command's own options (ls -R, create -e...) must reach the shell untouched.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      "\nzkCli's own flags work too: -server host:port, -timeout ms, -r.\n" +
        'History of the interactive mode: ~/.zk-cookbook_history (ZK_COOKBOOK_HISTORY=path, empty to disable).',
    )
    .action(async (words: string[], options: ShellCliOptions) => {
      const { command, zkCliFlags } = takeZkCliFlags(words);
      const historyFile = process.env.ZK_COOKBOOK_HISTORY ?? join(homedir(), '.zk-cookbook_history');
      const { runShell } = await import('../../shell/index.ts');
      process.exitCode = await runShell({
        connectString: zkCliFlags.server ?? options.server ?? process.env.ZK_CONNECT ?? '127.0.0.1:2181',
        command,
        file: options.file,
        stopOnError: options.stopOnError ?? false,
        sessionTimeoutMs: zkCliFlags.timeout ?? options.timeout,
        connectTimeoutMs: options.connectTimeout,
        readOnly: zkCliFlags.readOnly || (options.readOnly ?? false),
        historyFile: historyFile || undefined,
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
      // Reading a piped script leaves stdin open when `quit` ends it early.
      if (!process.stdin.isTTY) process.stdin.destroy();
    });
}

/** zkCli's launcher flags, which come before the command: -server host:port, -timeout ms, -r. */
function takeZkCliFlags(words: readonly string[]): {
  command: string[];
  zkCliFlags: { server?: string; timeout?: number; readOnly: boolean };
} {
  const flags: { server?: string; timeout?: number; readOnly: boolean } = { readOnly: false };
  let index = 0;
  for (; index < words.length; index++) {
    const word = words[index];
    if (word === '-server' && index + 1 < words.length) flags.server = words[++index];
    else if (word === '-timeout' && index + 1 < words.length)
      flags.timeout = integerOption(1)(words[++index]!);
    else if (word === '-r') flags.readOnly = true;
    else break;
  }
  return { command: words.slice(index), zkCliFlags: flags };
}
