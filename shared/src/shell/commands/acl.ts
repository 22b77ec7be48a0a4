import { isZooKeeperError } from '../../client/index.ts';
import type { ShellCommand } from '../command.ts';
import { formatAclEntry, formatStat } from '../format.ts';
import { describeError } from '../messages.ts';
import { parseAclArgument } from './acl-argument.ts';
import { pathArgument, versionOption, visitSubtree } from './arguments.ts';

export const getAcl: ShellCommand = {
  name: 'getAcl',
  usage: '[-s] path',
  options: { s: 'flag' },
  minArgs: 1,
  async run(context) {
    const path = pathArgument(context);
    const { acl, stat } = await context.client().getACL(path, context.call);
    for (const entry of acl) for (const line of formatAclEntry(entry)) context.output.out(line);
    if (context.options.has('s')) for (const line of formatStat(stat)) context.output.out(line);
  },
};

export const setAcl: ShellCommand = {
  name: 'setAcl',
  usage: '[-s] [-v version] [-R] path acl',
  options: { s: 'flag', v: 'value', R: 'flag' },
  minArgs: 2,
  async run(context) {
    const path = pathArgument(context);
    const acl = parseAclArgument(context, context.args[1]!);
    const version = versionOption(context);
    const client = context.client();
    if (!context.options.has('R')) {
      const stat = await client.setACL(path, acl, { ...context.call, version });
      if (context.options.has('s')) for (const line of formatStat(stat)) context.output.out(line);
      return;
    }
    // Like zkCli, a node that cannot be changed is reported and the walk goes on.
    let failures = 0;
    await visitSubtree(context, path, false, async (each) => {
      try {
        await client.setACL(each, acl, { ...context.call, version });
      } catch (error) {
        if (!isZooKeeperError(error) || error.code === 'ABORTED' || error.code === 'CLOSED') throw error;
        context.output.err(describeError(error));
        failures++;
      }
    });
    return failures > 0 ? 1 : 0;
  },
};
