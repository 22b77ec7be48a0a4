import { usageLine, type ShellCommand } from '../command.ts';
import { tokenize } from '../tokenize.ts';
import { ShellError, UsageError } from '../shell-error.ts';

export const history: ShellCommand = {
  name: 'history',
  local: true,
  usage: '',
  run(context) {
    for (const { index, line } of context.shell.history.recent()) context.output.out(`${index} - ${line}`);
  },
};

export const redo: ShellCommand = {
  name: 'redo',
  local: true,
  usage: 'cmdno',
  minArgs: 1,
  async run(context) {
    const text = context.args[0]!;
    if (!/^\d+$/.test(text)) throw new UsageError(usageLine(redo));
    const index = Number(text);
    const own = context.shell.history.count - 1;
    // The last entry is this redo itself.
    if (index >= own) throw new ShellError('Command index out of range');
    const line = context.shell.history.get(index)!;
    const words = tokenize(line);
    if (words[0] === 'redo') throw new ShellError('No redoing redos');
    context.shell.history.replace(own, line);
    return context.shell.execute(words);
  },
};
