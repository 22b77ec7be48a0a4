import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatternError } from '../patterns/pattern-manifest.ts';

/**
 * What `zk-cookbook compose` brings up, as compose files layered on the shared ensemble: the ensemble
 * alone, the ensemble with the monitoring profile, or the ensemble with a pattern's
 * examples/<pattern>/compose.yml — exactly what compose/up passes with -f. Paths are relative to the
 * repository root, where compose runs; compose resolves relative paths inside the files against the
 * first file's folder (compose/) and names the project after it, so compose/up and this CLI address
 * the same containers.
 */
export interface ComposeTarget {
  /** "ensemble", "monitoring", or the pattern's folder name */
  readonly name: string;
  readonly kind: 'ensemble' | 'monitoring' | 'pattern';
  readonly files: readonly string[];
  readonly profiles: readonly string[];
}

export const ENSEMBLE_FILE = 'compose/zookeeper.yml';
export const PATTERN_TEMPLATE_FILE = 'compose/pattern.example.yml';
export const MONITORING_PROFILE = 'monitoring';

// In a clone, compose/ and examples/ sit beside shared/; src/ and dist/ are equally deep.
export const DEFAULT_REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Patterns that have a compose file, sorted: every examples/<name>/compose.yml, found by listing. */
export function listComposePatterns(repositoryRoot = DEFAULT_REPOSITORY_ROOT): string[] {
  const examples = join(repositoryRoot, 'examples');
  if (!existsSync(examples)) return [];
  return readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(examples, entry.name, 'compose.yml')))
    .map((entry) => entry.name)
    .sort();
}

export function patternComposeFile(pattern: string): string {
  return `examples/${pattern}/compose.yml`;
}

/** The target a user names: nothing (the ensemble), "monitoring", or a pattern with a compose file. */
export function resolveComposeTarget(
  name: string | undefined,
  repositoryRoot = DEFAULT_REPOSITORY_ROOT,
): ComposeTarget {
  if (!existsSync(join(repositoryRoot, ENSEMBLE_FILE))) {
    throw new PatternError(
      `no ${ENSEMBLE_FILE} in ${repositoryRoot}: zk-cookbook compose needs a clone of zk-cookbook ` +
        '(npx zk-cookbook run <pattern> needs no Docker)',
    );
  }
  if (name === undefined || name === '' || name === 'ensemble') {
    return { name: 'ensemble', kind: 'ensemble', files: [ENSEMBLE_FILE], profiles: [] };
  }
  if (name === MONITORING_PROFILE) {
    return { name, kind: 'monitoring', files: [ENSEMBLE_FILE], profiles: [MONITORING_PROFILE] };
  }
  const known = listComposePatterns(repositoryRoot);
  if (!/^[\w-]+$/.test(name) || !known.includes(name)) {
    const runnableOnly =
      /^[\w-]+$/.test(name) && existsSync(join(repositoryRoot, 'examples', name, 'package.json'));
    throw new PatternError(
      `unknown pattern "${name}"` +
        (runnableOnly
          ? ` for compose: examples/${name} has no compose.yml (npx zk-cookbook run ${name} runs it without Docker)`
          : '') +
        `. Known: ${[...known, MONITORING_PROFILE].join(', ')} (or nothing, for the ensemble alone).`,
    );
  }
  return { name, kind: 'pattern', files: [ENSEMBLE_FILE, patternComposeFile(name)], profiles: [] };
}

/**
 * Every file and profile at once, for commands that act on whatever is running (down, ps, logs):
 * compose only stops and lists the services its files define.
 */
export function everythingTarget(repositoryRoot = DEFAULT_REPOSITORY_ROOT): ComposeTarget {
  const base = resolveComposeTarget(undefined, repositoryRoot);
  return {
    name: 'everything',
    kind: 'ensemble',
    files: [...base.files, ...listComposePatterns(repositoryRoot).map(patternComposeFile)],
    profiles: [MONITORING_PROFILE],
  };
}
