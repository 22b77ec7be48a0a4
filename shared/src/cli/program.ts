import { Command } from 'commander';
import { registerCommands } from './command-registry.ts';

/** The `zk-cookbook` program with every subcommand in commands/ registered. */
export async function createProgram(): Promise<Command> {
  const program = new Command('zk-cookbook')
    .description('ZooKeeper patterns in TypeScript: a local ensemble, monitoring, recipes and demos')
    .showHelpAfterError('(add --help for additional information)')
    .configureHelp({ sortSubcommands: true });
  await registerCommands(program, new URL('./commands/', import.meta.url));
  return program;
}
