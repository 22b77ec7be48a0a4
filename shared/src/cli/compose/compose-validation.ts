import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ComposeExecutable } from './compose-executable.ts';
import {
  DEFAULT_REPOSITORY_ROOT,
  ENSEMBLE_FILE,
  listComposePatterns,
  MONITORING_PROFILE,
  PATTERN_TEMPLATE_FILE,
  patternComposeFile,
  type ComposeTarget,
} from './compose-target.ts';
import { resolveConfig } from './resolved-config.ts';

/**
 * Every combination a user can bring up, each checked the way compose itself reads it (`config`: the
 * files parsed, merged and interpolated; no engine needed, so V1 will do): the ensemble, the
 * monitoring profile, the pattern template, and each examples/<pattern>/compose.yml — found by
 * listing, so a new pattern is validated the day its file appears.
 */
export function validationTargets(repositoryRoot = DEFAULT_REPOSITORY_ROOT): ComposeTarget[] {
  return [
    { name: 'ensemble', kind: 'ensemble', files: [ENSEMBLE_FILE], profiles: [] },
    { name: MONITORING_PROFILE, kind: 'monitoring', files: [ENSEMBLE_FILE], profiles: [MONITORING_PROFILE] },
    {
      name: 'pattern template',
      kind: 'pattern',
      files: [ENSEMBLE_FILE, PATTERN_TEMPLATE_FILE],
      profiles: [],
    },
    ...listComposePatterns(repositoryRoot).map((pattern): ComposeTarget => ({
      name: pattern,
      kind: 'pattern',
      files: [ENSEMBLE_FILE, patternComposeFile(pattern)],
      profiles: [],
    })),
  ];
}

export interface ValidationResult {
  readonly target: ComposeTarget;
  /** the services compose resolved, active with the target's profiles */
  readonly services: readonly string[];
  /** what is wrong: compose refused the files, or a file's services are missing from the merge */
  readonly problem?: string;
}

/**
 * Resolves each combination and checks the layering: the merged config must hold the services of
 * every file passed (the ensemble's and the pattern's), active under the target's profiles.
 */
export async function validateCompose(
  compose: ComposeExecutable,
  repositoryRoot = DEFAULT_REPOSITORY_ROOT,
  report: (result: ValidationResult) => void = () => {},
): Promise<ValidationResult[]> {
  const results: ValidationResult[] = [];
  for (const target of validationTargets(repositoryRoot)) {
    let result: ValidationResult;
    try {
      const config = await resolveConfig({ compose, target, repositoryRoot });
      const services = config.active.map((service) => service.name);
      const missing = expectedServices(target, repositoryRoot).filter((name) => !services.includes(name));
      result = {
        target,
        services,
        ...(missing.length > 0 && { problem: `the merged config lacks ${missing.join(', ')}` }),
      };
    } catch (error) {
      result = { target, services: [], problem: (error as Error).message };
    }
    report(result);
    results.push(result);
  }
  return results;
}

/** The services the target's files define that its profiles make active. */
export function expectedServices(target: ComposeTarget, repositoryRoot = DEFAULT_REPOSITORY_ROOT): string[] {
  return target.files.flatMap((file) => {
    const document = parse(readFileSync(join(repositoryRoot, file), 'utf8'), { merge: true }) as {
      services?: Record<string, { profiles?: string[] }>;
    } | null;
    return Object.entries(document?.services ?? {})
      .filter(([, service]) => !service.profiles || service.profiles.some((p) => target.profiles.includes(p)))
      .map(([name]) => name);
  });
}
