import type { ShellCommand } from '../command.ts';
import { formatList, formatStat } from '../format.ts';
import { pathArgument, visitSubtree, wantsWatch, watchOptions } from './arguments.ts';

export const ls: ShellCommand = {
  name: 'ls',
  usage: '[-s] [-w] [-R] path',
  options: { s: 'flag', w: 'flag', R: 'flag' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const watch = wantsWatch(context, 'ls path [watch]', 'ls [-w] path');
    if (context.options.has('R')) {
      await visitSubtree(context, path, watch, (each) => context.output.out(each));
      return;
    }
    const { children, stat } = await context.client().getChildren(path, watchOptions(context, watch));
    context.output.out(formatList(children.sort()));
    if (context.options.has('s')) for (const line of formatStat(stat)) context.output.out(line);
  },
};
