import type { ShellCommand } from '../command.ts';
import { getAcl, setAcl } from './acl.ts';
import { addAuth, whoAmI } from './auth.ts';
import { close, connect, quit } from './connection.ts';
import { create } from './create.ts';
import { deleteAll, deleteNode } from './delete.ts';
import { get } from './get.ts';
import { help, version } from './help.ts';
import { history, redo } from './history.ts';
import { ls } from './ls.ts';
import { config, getAllChildrenNumber, getEphemerals } from './server-info.ts';
import { set } from './set.ts';
import { stat } from './stat.ts';
import { sync } from './sync.ts';
import { addWatch, printWatches, removeWatches } from './watches.ts';

/** Every command the shell knows, in the order `help` would list them unsorted. */
export const allCommands: readonly ShellCommand[] = [
  ls,
  get,
  set,
  create,
  deleteNode,
  deleteAll,
  stat,
  getAcl,
  setAcl,
  addAuth,
  whoAmI,
  sync,
  addWatch,
  removeWatches,
  printWatches,
  getEphemerals,
  getAllChildrenNumber,
  config,
  connect,
  close,
  quit,
  history,
  redo,
  help,
  version,
];
