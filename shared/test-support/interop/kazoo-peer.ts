import { execFileSync } from 'node:child_process';
import { JsonLinePeer } from './json-line-peer.ts';

const SCRIPT = new URL('../../interop/kazoo/kazoo_peer.py', import.meta.url).pathname;
/** Debian's python3-kazoo lives in the system interpreter, not in a pyenv one that may come first on PATH. */
const PYTHON = '/usr/bin/python3';

export function assertKazooInstalled(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import kazoo'], { stdio: 'ignore' });
  } catch {
    throw new Error(`Kazoo interop needs ${PYTHON} with kazoo: apt-get install python3-kazoo`);
  }
}

/** A Python process running real Kazoo 2.8 recipes (see shared/interop/kazoo/kazoo_peer.py). */
export async function startKazooPeer(): Promise<JsonLinePeer> {
  assertKazooInstalled();
  return JsonLinePeer.start('kazoo', PYTHON, ['-u', SCRIPT]);
}
