import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';

/**
 * Each file in commands/ adds one subcommand by exporting `register(program)`. They are found by
 * listing the directory, so adding a command (shell, monitor, demo, ...) means adding a file and
 * touching nothing shared.
 */
export interface CommandModule {
  register(program: Command): void;
}

const COMMAND_FILE = /^[^.]+\.(ts|js)$/;

export async function registerCommands(program: Command, directory: URL): Promise<void> {
  // Sorted, so the help lists commands in the same order on every machine.
  const files = (await readdir(directory)).filter((name) => COMMAND_FILE.test(name)).sort();
  for (const file of files) {
    const module = (await import(new URL(file, directory).href)) as Partial<CommandModule>;
    if (typeof module.register !== 'function') {
      throw new TypeError(`${new URL(file, directory).pathname} does not export register(program)`);
    }
    module.register(program);
  }
}
