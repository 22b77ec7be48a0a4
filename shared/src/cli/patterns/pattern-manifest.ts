import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * What `zk-cookbook run <pattern>` needs to know about a pattern, read from the `zkCookbook` field of
 * `examples/<pattern>/package.json`: its services, in start order, and the pages worth opening.
 */
const serviceSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name such as "subscriber"'),
  /** the service's entry file, relative to the pattern's folder */
  entry: z.string().min(1),
  instances: z.number().int().min(1).max(20).default(1),
  env: z.record(z.string(), z.string()).default({}),
});

/**
 * A pattern that needs Kafka brokers besides the ensemble (kafka-coordination): `run` starts a local
 * Kafka 3.9 cluster in ZooKeeper mode on the ensemble, under `chroot`, before the services.
 */
const kafkaSchema = z.object({
  brokers: z.number().int().min(1).max(9).default(3),
  chroot: z
    .string()
    .regex(/^(\/[\w.-]+)+$/, 'an absolute znode path such as "/kafka"')
    .default('/kafka'),
});

const manifestSchema = z.object({
  title: z.string().min(1),
  kafka: kafkaSchema.optional(),
  services: z.array(serviceSchema).min(1),
  pages: z
    .array(z.object({ service: z.string(), path: z.string().startsWith('/'), title: z.string() }))
    .default([]),
});

export type ServiceSpec = z.infer<typeof serviceSchema>;
export type KafkaSpec = z.infer<typeof kafkaSchema>;

export interface PatternManifest extends z.infer<typeof manifestSchema> {
  readonly name: string;
  readonly directory: string;
}

/** An error the user can act on: the message says what is wrong and what would work. */
export class PatternError extends Error {
  override readonly name = 'PatternError';
}

// In a clone, examples/ sits beside shared/; src/ and dist/ are equally deep, so one path serves both.
export const DEFAULT_EXAMPLES_DIRECTORY = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** Patterns in `examplesDirectory` that declare how to run them, sorted. */
export function listPatterns(examplesDirectory = DEFAULT_EXAMPLES_DIRECTORY): string[] {
  if (!existsSync(examplesDirectory)) return [];
  return readdirSync(examplesDirectory, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && readManifestField(join(examplesDirectory, entry.name)) !== undefined,
    )
    .map((entry) => entry.name)
    .sort();
}

export function loadPattern(name: string, examplesDirectory = DEFAULT_EXAMPLES_DIRECTORY): PatternManifest {
  const directory = join(examplesDirectory, name);
  const field = /^[\w-]+$/.test(name) ? readManifestField(directory) : undefined;
  if (field === undefined) {
    const known = listPatterns(examplesDirectory);
    throw new PatternError(
      `unknown pattern "${name}". ` +
        (known.length > 0
          ? `Known patterns: ${known.join(', ')}.`
          : `No runnable pattern found in ${examplesDirectory} (this command needs a clone of zk-cookbook).`),
    );
  }
  const parsed = manifestSchema.safeParse(field);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PatternError(`examples/${name}/package.json "zkCookbook" is invalid: ${problems.join('; ')}`);
  }
  for (const service of parsed.data.services) {
    if (!existsSync(join(directory, service.entry))) {
      throw new PatternError(
        `examples/${name}: service "${service.name}" names a missing entry ${service.entry}`,
      );
    }
  }
  const serviceNames = new Set(parsed.data.services.map((service) => service.name));
  for (const page of parsed.data.pages) {
    if (!serviceNames.has(page.service)) {
      throw new PatternError(
        `examples/${name}: page "${page.title}" names an unknown service "${page.service}"`,
      );
    }
  }
  return { ...parsed.data, name, directory };
}

function readManifestField(directory: string): unknown {
  const packageFile = join(directory, 'package.json');
  if (!existsSync(packageFile)) return undefined;
  try {
    return (JSON.parse(readFileSync(packageFile, 'utf8')) as { zkCookbook?: unknown }).zkCookbook;
  } catch (error) {
    throw new PatternError(`${packageFile} is not valid JSON: ${(error as Error).message}`);
  }
}
