import type { ShellCommand } from '../command.ts';
import { formatStat } from '../format.ts';
import { pathArgument, wantsWatch, watchOptions } from './arguments.ts';

export const get: ShellCommand = {
  name: 'get',
  usage: '[-s] [-w] path',
  options: { s: 'flag', w: 'flag' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const watch = wantsWatch(context, 'get path [watch]', 'get [-s] [-w] path');
    const { data, stat, dataIsNull } = await context.client().getData(path, watchOptions(context, watch));
    // As zkCli: a node with null data prints "null", one with empty data an empty line.
    context.output.out(dataIsNull ? 'null' : data.toString('utf8'));
    if (context.options.has('s')) for (const line of formatStat(stat)) context.output.out(line);
  },
};
