import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from './command-registry.ts';
import { createProgram } from './program.ts';

describe('the zk-cookbook program', () => {
  it('registers every file in commands/', async () => {
    const program = await createProgram();
    const files = readdirSync(new URL('./commands/', import.meta.url))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => name.replace(/\.ts$/, ''))
      .sort();
    expect(files).toEqual(expect.arrayContaining(['demo', 'ensemble', 'monitor', 'shell', 'status']));
    expect(program.commands.map((command) => command.name()).sort()).toEqual(files);
  });

  it('parses the ensemble options into numbers', async () => {
    const program = await createProgram();
    const ensemble = program.commands.find((command) => command.name() === 'ensemble');
    ensemble?.action(() => {});
    await program.parseAsync(['ensemble', '--servers', '5', '--observers', '2', '--tick-time', '300'], {
      from: 'user',
    });
    expect(ensemble?.opts()).toMatchObject({ servers: 5, observers: 2, tickTime: 300 });
  });

  it('rejects a server count that is not a whole number', async () => {
    const program = await createProgram();
    const ensemble = program.commands.find((command) => command.name() === 'ensemble');
    for (const command of [program, ensemble]) {
      command?.exitOverride().configureOutput({ writeErr: () => {} });
    }
    await expect(program.parseAsync(['ensemble', '--servers', 'three'], { from: 'user' })).rejects.toThrow(
      /expected a whole number from 1 to 99/,
    );
  });
});

describe('registerCommands', () => {
  it('refuses a command file that does not export register()', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zk-cookbook-commands-'));
    try {
      writeFileSync(
        join(directory, 'hello.js'),
        'export function register(program) { program.command("hello"); }\n',
      );
      writeFileSync(join(directory, 'oops.js'), 'export const nothing = 1;\n');
      const program = new Command();
      await expect(registerCommands(program, pathToFileURL(`${directory}/`))).rejects.toThrow(
        /oops\.js does not export register\(program\)/,
      );
      expect(program.commands.map((command) => command.name())).toEqual(['hello']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
