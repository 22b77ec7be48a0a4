import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The package this code belongs to: src/cli/recipe-copy/ or dist/cli/recipe-copy/ sit three levels down. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The TypeScript sources `add` copies; an installed package ships them beside dist/. */
export const SOURCE_ROOT = join(PACKAGE_ROOT, 'src');

export interface SourceVersion {
  /** e.g. "@zk-cookbook/core 0.2.0" */
  readonly packageVersion: string;
  /** the commit of a clone, or the one npm recorded at publish (gitHead); undefined if neither */
  readonly commit?: string;
  /** a clone with uncommitted changes to the copied files: the commit alone does not describe them */
  readonly modified?: boolean;
}

/** "@zk-cookbook/core 0.2.0, git 6bbaa3e1c2d4 (modified)" */
export function describeVersion(version: SourceVersion): string {
  if (!version.commit) return version.packageVersion;
  return `${version.packageVersion}, git ${version.commit.slice(0, 12)}${version.modified ? ' (modified)' : ''}`;
}

/**
 * What the copied files come from, for their header. In a clone the commit comes from git, and the
 * copied files are checked for uncommitted changes; an installed package has no .git, so npm's
 * gitHead (if the publisher's npm recorded it) stands in.
 */
export async function sourceVersion(
  packageRoot: string,
  copiedPaths: readonly string[] = [],
): Promise<SourceVersion> {
  const manifest = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
    gitHead?: string;
  };
  const packageVersion = `${manifest.name ?? 'zk-cookbook'} ${manifest.version ?? '(unversioned)'}`;
  try {
    // An installed package may sit inside the user's own repository: only sources that git tracks
    // here are a clone of ours, and only then is HEAD our commit.
    await run('git', ['ls-files', '--error-unmatch', '--', join('src', 'index.ts')], { cwd: packageRoot });
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], { cwd: packageRoot });
    const { stdout: status } = await run(
      'git',
      ['status', '--porcelain', '--', ...copiedPaths.map((path) => join('src', path))],
      { cwd: packageRoot, maxBuffer: 16 * 1024 * 1024 },
    );
    return { packageVersion, commit: head.trim(), modified: status.trim().length > 0 };
  } catch {
    // No git, or not a clone: an installed package.
    return manifest.gitHead ? { packageVersion, commit: manifest.gitHead } : { packageVersion };
  }
}
