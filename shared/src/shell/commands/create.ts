import { MAX_TTL_MS, isZooKeeperError, type CreateMode } from '../../client/index.ts';
import type { CommandContext, ShellCommand } from '../command.ts';
import { keeperErrorMessage } from '../messages.ts';
import { ShellError } from '../shell-error.ts';
import { parseAclArgument } from './acl-argument.ts';
import { pathArgument } from './arguments.ts';

export const create: ShellCommand = {
  name: 'create',
  usage: '[-s] [-e] [-c] [-t ttl] path [data] [acl]',
  options: { s: 'flag', e: 'flag', c: 'flag', t: 'value' },
  minArgs: 1,
  async run(context) {
    const { mode, ttlMs } = createMode(context);
    const sequential = mode.includes('Sequential');
    const path = pathArgument(context, 0, { sequential });
    // zkCli's CreateCommand sends null data when no data argument is given (`get` then prints "null").
    const data = context.args[1] ?? null;
    const acl = context.args[2] === undefined ? undefined : parseAclArgument(context, context.args[2]);
    try {
      const created = await context.client().create(path, data, { ...context.call, mode, ttlMs, acl });
      context.output.out(`Created ${created}`);
    } catch (error) {
      // zkCli prints the raw KeeperException first for these two.
      if (isZooKeeperError(error, 'INVALIDACL')) context.output.err(keeperErrorMessage(error));
      if (isZooKeeperError(error, 'EPHEMERALONLOCALSESSION')) {
        context.output.err('Unable to create ephemeral node on a local session');
      }
      throw error;
    }
  },
};

/** CreateCommand's flag rules and messages. */
function createMode(context: CommandContext): { mode: CreateMode; ttlMs: number | undefined } {
  const ephemeral = context.options.has('e');
  const sequential = context.options.has('s');
  const container = context.options.has('c');
  const ttlText = context.options.get('t');
  if (container && (ephemeral || sequential)) {
    throw new ShellError(
      '-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.',
    );
  }
  let ttlMs: number | undefined;
  if (typeof ttlText === 'string') {
    if (!/^[+-]?\d+$/.test(ttlText)) throw new ShellError('-t argument must be a long value');
    ttlMs = Number(ttlText);
    if (ephemeral) throw new ShellError('TTLs cannot be used with Ephemeral znodes');
    if (container) throw new ShellError('TTLs cannot be used with Container znodes');
    if (ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
      throw new ShellError(`ttl must be positive and cannot be larger than: ${MAX_TTL_MS}`);
    }
  }
  const withTtl = ttlMs !== undefined;
  let mode: CreateMode;
  if (ephemeral) mode = sequential ? 'ephemeralSequential' : 'ephemeral';
  else if (sequential) mode = withTtl ? 'persistentSequentialWithTtl' : 'persistentSequential';
  else if (container) mode = 'container';
  else mode = withTtl ? 'persistentWithTtl' : 'persistent';
  return { mode, ttlMs };
}
