import { join } from 'node:path';
import { upAll } from 'docker-compose';
import { loadPattern, type PatternManifest } from '../patterns/pattern-manifest.ts';
import { listContainers } from './container-status.ts';
import { commandLine, composeOptions, runCompose, type ComposeContext } from './compose-invocation.ts';
import { preflightProblems, runPreflight } from './compose-preflight.ts';
import { DEFAULT_REPOSITORY_ROOT, type ComposeTarget } from './compose-target.ts';
import { describeComposeTarget, readinessExpectations } from './compose-urls.ts';
import { waitForStack } from './stack-readiness.ts';

export interface ComposeUpOptions {
  readonly target: ComposeTarget;
  /** rebuild the zk-cookbook image first */
  readonly build?: boolean;
  /** how long the services get to become ready after compose has started them */
  readonly readyTimeoutMs?: number;
  readonly repositoryRoot?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** progress lines; compose's own output goes to `write` as it comes */
  readonly output: (line: string) => void;
  readonly write: (text: string) => void;
}

/**
 * `zk-cookbook compose up`: checks first (an engine, Compose V2, free ports), starts the target
 * detached, waits until the ensemble is healthy and every service ready, and returns the table of
 * URLs `zk-cookbook run` prints.
 */
export async function composeUp(options: ComposeUpOptions): Promise<string> {
  const repositoryRoot = options.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT;
  const preflight = await runPreflight(options.target, {
    repositoryRoot,
    ...(options.env && { env: options.env }),
  });
  const [problem] = preflightProblems(preflight);
  if (problem) throw problem;

  const context: ComposeContext = {
    compose: preflight.compose,
    target: options.target,
    repositoryRoot,
    ...(options.env && { env: options.env }),
  };
  const args = options.build ? ['--build'] : [];
  const line = commandLine(context, 'up', [...args, '-d']);
  options.output(`${line.join(' ')}`);
  await runCompose('up', line, () =>
    upAll(
      composeOptions(context, { commandOptions: args, callback: (chunk) => options.write(chunk.toString()) }),
    ),
  );

  options.output('Waiting until the ensemble is healthy and every service is ready...');
  await waitForStack({
    expectations: readinessExpectations(preflight.config),
    statuses: () => listContainers(context),
    timeoutMs: options.readyTimeoutMs ?? 300_000,
    progress: options.output,
  });
  return describeComposeTarget({
    target: options.target,
    config: preflight.config,
    containers: await listContainers(context),
    ...(options.target.kind === 'pattern' && {
      manifest: manifestIfAny(options.target.name, repositoryRoot),
    }),
  });
}

/** A pattern's manifest gives the table its title and pages; a compose-only pattern has none. */
function manifestIfAny(pattern: string, repositoryRoot: string): PatternManifest | undefined {
  try {
    return loadPattern(pattern, join(repositoryRoot, 'examples'));
  } catch {
    return undefined;
  }
}
