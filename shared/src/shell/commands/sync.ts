import { isZooKeeperError } from '../../client/index.ts';
import type { ShellCommand } from '../command.ts';
import { pathArgument } from './arguments.ts';

export const sync: ShellCommand = {
  name: 'sync',
  usage: 'path',
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    try {
      await context.client().sync(path, context.call);
    } catch (error) {
      if (!isZooKeeperError(error) || error.errno === undefined) throw error;
      context.output.out(`Sync has failed. rc=${error.errno}`);
      return 1;
    }
    context.output.out('Sync is OK');
  },
};
