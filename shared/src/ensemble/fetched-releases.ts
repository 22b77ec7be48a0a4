import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where scripts/fetch-maven.sh and scripts/fetch-kazoo.sh keep what they fetch: outside the
 * repository, so a clone stays small and every clone on a machine shares one download.
 */
export function fetchCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZK_COOKBOOK_CACHE_DIR) return env.ZK_COOKBOOK_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'zk-cookbook');
}

export interface FetchedRelease {
  readonly version: string;
  readonly directory: string;
}

/**
 * The newest complete `<prefix><version>` directory in `parent` whose version is `selector` or
 * starts with it ("3.9" picks 3.9.5 over 3.9.4, never 3.10.0); "latest" takes any version. Only
 * directories the fetch scripts marked complete count, so an interrupted download is never used.
 */
export function findFetchedRelease(
  parent: string,
  prefix: string,
  selector: string,
): FetchedRelease | undefined {
  if (!existsSync(parent)) return undefined;
  const candidates = readdirSync(parent)
    .filter((name) => name.startsWith(prefix))
    .map((name) => ({ version: name.slice(prefix.length), directory: join(parent, name) }))
    .filter(({ version }) => /^\d/.test(version) && matchesSelector(version, selector))
    .filter(({ directory }) => existsSync(join(directory, '.complete')));
  return candidates.sort((a, b) => compareVersions(b.version, a.version))[0];
}

function matchesSelector(version: string, selector: string): boolean {
  return selector === 'latest' || version === selector || version.startsWith(`${selector}.`);
}

/** Numeric where both parts are numbers (3.9.10 after 3.9.9), text otherwise. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.-]/);
  const right = b.split(/[.-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    const difference = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (difference !== 0) return difference;
  }
  return 0;
}
