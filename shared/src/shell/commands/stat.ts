import { ZooKeeperError } from '../../client/index.ts';
import type { ShellCommand } from '../command.ts';
import { formatStat } from '../format.ts';
import { pathArgument, wantsWatch, watchOptions } from './arguments.ts';

export const stat: ShellCommand = {
  name: 'stat',
  usage: '[-w] path',
  options: { w: 'flag' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const watch = wantsWatch(context, 'stat path [watch]', 'stat [-w] path');
    // exists() sets the watch even when the node is missing, so `stat -w` can wait for a creation.
    const found = await context.client().exists(path, watchOptions(context, watch));
    if (!found) throw new ZooKeeperError('NONODE', { operation: 'exists', path });
    for (const line of formatStat(found)) context.output.out(line);
  },
};
