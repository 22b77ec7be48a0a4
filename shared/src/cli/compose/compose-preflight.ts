import { listContainers } from './container-status.ts';
import { ComposeError } from './compose-error.ts';
import { requireCompose, requireComposeV2, type ComposeExecutable } from './compose-executable.ts';
import { DEFAULT_REPOSITORY_ROOT, type ComposeTarget } from './compose-target.ts';
import { probeDockerEngine, withoutDocker, type DockerEngine } from './docker-engine.ts';
import { describeTakenPorts, findTakenPorts, type TakenPort } from './port-preflight.ts';
import { readPortVariables } from './port-variables.ts';
import { resolveConfig, type ResolvedConfig } from './resolved-config.ts';

/** Everything `up` needs before it starts anything, found out without changing anything. */
export interface Preflight {
  readonly target: ComposeTarget;
  readonly compose: ComposeExecutable;
  readonly engine: DockerEngine | undefined;
  /** why no engine answered */
  readonly engineProblem: string | undefined;
  readonly config: ResolvedConfig;
  readonly takenPorts: readonly TakenPort[];
}

export interface PreflightOptions {
  readonly repositoryRoot?: string;
  /** added to process.env for compose, e.g. ZOO1_PORT */
  readonly env?: NodeJS.ProcessEnv;
  readonly dockerPath?: string;
}

export async function runPreflight(
  target: ComposeTarget,
  options: PreflightOptions = {},
): Promise<Preflight> {
  const repositoryRoot = options.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT;
  const compose = await requireCompose('check');
  const context = { compose, target, repositoryRoot, ...(options.env && { env: options.env }) };
  const config = await resolveConfig(context);
  const probe = await probeDockerEngine({
    ...(options.dockerPath && { dockerPath: options.dockerPath }),
    env: { ...process.env, ...options.env },
  });
  const engine = 'engine' in probe ? probe.engine : undefined;
  // Ports this project's own containers publish are theirs to keep; without an engine there are none.
  const held = new Set<number>();
  if (engine && compose.generation === 2) {
    for (const container of await listContainers(context)) {
      if (container.state === 'running') container.publishedPorts.forEach((port) => held.add(port));
    }
  }
  const takenPorts = await findTakenPorts(
    config.active.flatMap((service) => service.ports),
    readPortVariables(target.files, repositoryRoot),
    held,
  );
  return {
    target,
    compose,
    engine,
    engineProblem: 'problem' in probe ? probe.problem : undefined,
    config,
    takenPorts,
  };
}

/** Each problem that stops `up`, in the order a user has to fix them: engine, Compose V2, ports. */
export function preflightProblems(preflight: Preflight, operation = 'up'): ComposeError[] {
  const problems: ComposeError[] = [];
  if (!preflight.engine) {
    problems.push(
      new ComposeError(
        operation,
        `no Docker engine answers (${preflight.engineProblem ?? 'unknown'}). Start Docker, or ${withoutDocker(preflight.target.name)}`,
      ),
    );
  }
  try {
    requireComposeV2(preflight.compose, operation);
  } catch (error) {
    problems.push(error as ComposeError);
  }
  if (preflight.takenPorts.length > 0) {
    const rerun = `npx zk-cookbook compose up${preflight.target.kind === 'ensemble' ? '' : ` ${preflight.target.name}`}`;
    problems.push(new ComposeError(operation, describeTakenPorts(preflight.takenPorts, rerun)));
  }
  return problems;
}
