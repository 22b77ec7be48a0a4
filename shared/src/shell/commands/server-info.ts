import type { ShellCommand } from '../command.ts';
import { clientConfigString, formatList, formatStat } from '../format.ts';
import { pathArgument, watchOptions } from './arguments.ts';

export const getEphemerals: ShellCommand = {
  name: 'getEphemerals',
  usage: 'path',
  async run(context) {
    // The path is a plain string prefix: /e matches /e1 and /e2.
    const prefix = context.args[0] === undefined ? '/' : pathArgument(context);
    const paths = await context.client().getEphemerals(prefix, context.call);
    context.output.out(formatList(paths));
  },
};

export const getAllChildrenNumber: ShellCommand = {
  name: 'getAllChildrenNumber',
  usage: 'path',
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    context.output.out(String(await context.client().getAllChildrenNumber(path, context.call)));
  },
};

export const config: ShellCommand = {
  name: 'config',
  usage: '[-c] [-w] [-s]',
  options: { c: 'flag', w: 'flag', s: 'flag' },
  async run(context) {
    const { config: text, stat } = await context
      .client()
      .getConfig(watchOptions(context, context.options.has('w')));
    context.output.out(context.options.has('c') ? clientConfigString(text) : text.replace(/\n$/, ''));
    if (context.options.has('s')) for (const line of formatStat(stat)) context.output.out(line);
  },
};
