import type { AddWatchMode, RemovableWatchType } from '../../client/index.ts';
import { usageLine, type ShellCommand } from '../command.ts';
import { UsageError } from '../shell-error.ts';
import { pathArgument } from './arguments.ts';

const addWatchModes: Record<string, AddWatchMode> = {
  PERSISTENT: 'persistent',
  PERSISTENT_RECURSIVE: 'persistentRecursive',
};

export const addWatch: ShellCommand = {
  name: 'addWatch',
  usage:
    '[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE',
  options: { m: 'value' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const modeText = context.options.get('m');
    const mode = typeof modeText === 'string' ? addWatchModes[modeText.toUpperCase()] : 'persistentRecursive';
    if (!mode) throw new UsageError(usageLine(addWatch));
    await context.client().addWatch(path, context.session.watcher, { ...context.call, mode });
  },
};

export const removeWatches: ShellCommand = {
  name: 'removewatches',
  usage: 'path [-c|-d|-a] [-l]',
  // -p and -r (persistent, persistent recursive) come from zkCli 3.9.
  options: { c: 'flag', d: 'flag', a: 'flag', p: 'flag', r: 'flag', l: 'flag' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const has = (letter: string): boolean => context.options.has(letter);
    const type: RemovableWatchType = has('c')
      ? 'children'
      : has('d')
        ? 'data'
        : has('p')
          ? 'persistent'
          : has('r')
            ? 'persistentRecursive'
            : 'any';
    await context
      .client()
      .removeWatches(path, type, { ...context.call, watcher: context.session.watcher, local: has('l') });
  },
};

export const printWatches: ShellCommand = {
  name: 'printwatches',
  local: true,
  usage: 'on|off',
  run(context) {
    const setting = context.args[0];
    if (setting === undefined) {
      context.output.out(`printwatches is ${context.session.printWatches ? 'on' : 'off'}`);
      return;
    }
    context.session.printWatches = setting === 'on';
  },
};
