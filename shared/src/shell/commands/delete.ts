import { ZooKeeperError, deleteRecursive } from '../../client/index.ts';
import type { ShellCommand } from '../command.ts';
import { ShellError } from '../shell-error.ts';
import { pathArgument, versionOption } from './arguments.ts';

export const deleteNode: ShellCommand = {
  name: 'delete',
  usage: '[-v version] path',
  options: { v: 'value' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const version = versionOption(context);
    await context.client().delete(path, { ...context.call, version });
  },
};

export const deleteAll: ShellCommand = {
  name: 'deleteall',
  usage: 'path [-b batch size]',
  // -b is accepted for compatibility; deletes are pipelined rather than batched in multis.
  options: { b: 'value' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const batch = context.options.get('b');
    if (typeof batch === 'string' && !/^\d+$/.test(batch))
      throw new ShellError('-b argument must be a number');
    const client = context.client();
    // deleteRecursive treats a missing node as done; zkCli reports it.
    if (!(await client.exists(path, context.call))) {
      throw new ZooKeeperError('NONODE', { operation: 'deleteall', path });
    }
    await deleteRecursive(client, path, context.call);
  },
};
