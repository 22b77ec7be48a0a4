import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fetchCacheDirectory, findFetchedRelease } from '../../src/ensemble/index.ts';
import { JsonLinePeer } from './json-line-peer.ts';

const SCRIPT = new URL('../../interop/kazoo/kazoo_peer.py', import.meta.url).pathname;
/** Debian's python3-kazoo lives in the system interpreter, not in a pyenv one that may come first on PATH. */
const DEBIAN_PYTHON = '/usr/bin/python3';

export interface KazooPython {
  /** "2.8.0", as the interpreter's kazoo reports it */
  readonly version: string;
  /** Where it came from, for messages and the test matrix's summary. */
  readonly description: string;
  readonly python: string;
}

/**
 * The Kazoo the interop peers run, chosen by $ZK_COOKBOOK_KAZOO: "debian" (the default, Debian's
 * python3-kazoo), "latest" (the newest virtualenv scripts/fetch-kazoo.sh made) or a version there
 * ("2.11.0"). A choice that is not there fails: the run asked for that version.
 */
export function selectKazooPython(selection = process.env.ZK_COOKBOOK_KAZOO || 'debian'): KazooPython {
  if (selection === 'debian') {
    const version = kazooVersion(DEBIAN_PYTHON);
    if (!version) {
      throw new Error(`Kazoo interop needs ${DEBIAN_PYTHON} with kazoo: apt-get install python3-kazoo`);
    }
    return { version, description: `Debian's python3-kazoo (${DEBIAN_PYTHON})`, python: DEBIAN_PYTHON };
  }
  const cache = fetchCacheDirectory();
  const fetched = findFetchedRelease(cache, 'venv-kazoo-', selection);
  const python = fetched && join(fetched.directory, 'bin', 'python');
  const version = python && kazooVersion(python);
  if (!fetched || !python || !version) {
    throw new Error(
      `ZK_COOKBOOK_KAZOO=${selection}: no working venv-kazoo-* matching it in ${cache}; create it with \`scripts/fetch-kazoo.sh\``,
    );
  }
  return { version, description: `ZK_COOKBOOK_KAZOO=${selection}: ${fetched.directory}`, python };
}

function kazooVersion(python: string): string | undefined {
  try {
    return execFileSync(python, ['-c', 'import kazoo.version; print(kazoo.version.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export function assertKazooInstalled(): void {
  selectKazooPython();
}

/**
 * A Python process running real Kazoo recipes (see shared/interop/kazoo/kazoo_peer.py): Debian's
 * 2.8, or the one ZK_COOKBOOK_KAZOO names (see selectKazooPython).
 */
export async function startKazooPeer(): Promise<JsonLinePeer> {
  const { python } = selectKazooPython();
  return JsonLinePeer.start('kazoo', python, ['-u', SCRIPT]);
}
