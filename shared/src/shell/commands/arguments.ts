import { isZooKeeperError, type WatchOptions } from '../../client/index.ts';
import type { CommandContext } from '../command.ts';
import { checkPath } from '../path-syntax.ts';
import { ShellError } from '../shell-error.ts';

/** Helpers for reading a command's arguments with zkCli's checks and messages. */

/** The positional argument at `index`, checked as a znode path. */
export function pathArgument(
  context: CommandContext,
  index = 0,
  options: { sequential?: boolean } = {},
): string {
  const path = context.args[index]!;
  checkPath(path, options);
  return path;
}

/** `-v version`: Integer.parseInt's syntax (zkCli itself crashes on anything else). */
export function versionOption(context: CommandContext): number | undefined {
  const value = context.options.get('v');
  if (value === undefined || value === true) return undefined;
  if (!/^[+-]?\d+$/.test(value) || Math.abs(Number(value)) > 2 ** 31) {
    throw new ShellError('-v argument must be an int value');
  }
  return Number(value);
}

/**
 * -w, or the form ZooKeeper 3.4 used and the O'Reilly book teaches: `ls /workers true`. zkCli 3.5+
 * still accepts it with a deprecation warning and, like 3.4, watches whatever the extra word says.
 */
export function wantsWatch(
  context: CommandContext,
  oldForm: string,
  newForm: string,
  pathIndex = 0,
): boolean {
  if (context.args.length > pathIndex + 1) {
    context.output.err(`'${oldForm}' has been deprecated. Please use '${newForm}' instead.`);
    return true;
  }
  return context.options.has('w');
}

/** Call options with the shell's watcher when `watch` is set. */
export function watchOptions(context: CommandContext, watch: boolean): WatchOptions {
  return watch ? { ...context.call, watch: context.session.watcher } : context.call;
}

/**
 * Visits `path` and its descendants as zkCli's ZKUtil.visitSubTreeDFS does (used by ls -R and
 * setAcl -R): the node, then its children in sorted order, then each child's subtree. A missing
 * start node fails with NONODE; nodes deleted during the walk are skipped.
 */
export async function visitSubtree(
  context: CommandContext,
  path: string,
  watch: boolean,
  visit: (path: string) => Promise<void> | void,
): Promise<void> {
  const client = context.client();
  await client.getData(path, watchOptions(context, watch));
  await visit(path);
  const walk = async (parent: string): Promise<void> => {
    let children: string[];
    try {
      ({ children } = await client.getChildren(parent, watchOptions(context, watch)));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return;
      throw error;
    }
    const childPaths = children.sort().map((child) => (parent === '/' ? `/${child}` : `${parent}/${child}`));
    for (const childPath of childPaths) await visit(childPath);
    for (const childPath of childPaths) await walk(childPath);
  };
  await walk(path);
}
