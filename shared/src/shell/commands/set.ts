import type { ShellCommand } from '../command.ts';
import { formatStat } from '../format.ts';
import { pathArgument, versionOption } from './arguments.ts';

export const set: ShellCommand = {
  name: 'set',
  usage: '[-s] [-v version] path data',
  options: { s: 'flag', v: 'value' },
  minArgs: 2,
  async run(context) {
    const path = pathArgument(context);
    const version = versionOption(context);
    const stat = await context.client().setData(path, context.args[1]!, { ...context.call, version });
    if (context.options.has('s')) for (const line of formatStat(stat)) context.output.out(line);
  },
};
