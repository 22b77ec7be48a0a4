import { readFileSync } from 'node:fs';
import type { CommandOutput, ShellCommand } from '../command.ts';

/** zkCli's usage listing: a header, then every command with its options, sorted as Java sorts strings. */
export function printUsage(commands: readonly ShellCommand[], write: CommandOutput['out']): void {
  write('zk-cookbook shell [--server host:port[,host:port...][/chroot]] cmd args');
  const sorted = [...commands].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const command of sorted) write(`\t${command.name} ${command.usage}`.trimEnd());
}

export const help: ShellCommand = {
  name: 'help',
  local: true,
  usage: '',
  run(context) {
    printUsage(context.shell.commands, (line) => context.output.out(line));
  },
};

export const version: ShellCommand = {
  name: 'version',
  local: true,
  usage: '',
  run(context) {
    const packageFile = new URL('../../../package.json', import.meta.url);
    const { version: number } = JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string };
    context.output.out(`zk-cookbook shell version: ${number} (zkCli 3.8 command syntax)`);
  },
};
