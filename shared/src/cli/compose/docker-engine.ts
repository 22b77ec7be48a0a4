import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ComposeError } from './compose-error.ts';

const run = promisify(execFile);

export interface DockerEngine {
  readonly version: string;
}

export interface EngineProbeOptions {
  /** the docker CLI; default "docker" on PATH */
  readonly dockerPath?: string;
  /** Default 10 s: a daemon that does not answer in that time cannot run anything either. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** What the engine says its version is, or why none answered (the docker CLI's own words). */
export async function probeDockerEngine(
  options: EngineProbeOptions = {},
): Promise<{ engine: DockerEngine } | { problem: string }> {
  try {
    const { stdout } = await run(
      options.dockerPath ?? 'docker',
      ['version', '--format', '{{.Server.Version}}'],
      {
        timeout: options.timeoutMs ?? 10_000,
        env: options.env ?? process.env,
      },
    );
    const version = stdout.trim();
    return version ? { engine: { version } } : { problem: 'the docker CLI reported no server' };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    if (failure.code === 'ENOENT') return { problem: 'the docker CLI is not installed' };
    if (failure.killed) return { problem: `no answer within ${options.timeoutMs ?? 10_000} ms` };
    const said = (failure.stderr ?? '').split('\n').find((line) => line.trim() !== '');
    return { problem: said?.trim() ?? failure.message };
  }
}

/**
 * Throws the error a user without Docker should see: that no engine answers, and the way to run the
 * same thing without one.
 */
export async function requireDockerEngine(
  operation: string,
  alternative: string,
  options: EngineProbeOptions = {},
): Promise<DockerEngine> {
  const probe = await probeDockerEngine(options);
  if ('engine' in probe) return probe.engine;
  throw new ComposeError(
    operation,
    `no Docker engine answers (${probe.problem}). Start Docker, or ${alternative}`,
    [options.dockerPath ?? 'docker', 'version'],
  );
}

/** The way to get the same without Docker, for a target name. */
export function withoutDocker(target: string): string {
  if (target === 'monitoring') {
    return 'run it without Docker: `npx zk-cookbook monitor --local` (a local ensemble and the dashboard; needs Java, no Docker)';
  }
  if (target === 'ensemble') {
    return 'run one without Docker: `npx zk-cookbook ensemble` (needs Java, no Docker)';
  }
  if (target === 'everything') {
    return 'run a pattern without Docker: `npx zk-cookbook run <pattern>`, which needs none';
  }
  return `run the pattern without Docker: \`npx zk-cookbook run ${target}\`, which needs none (a local ensemble and its services as processes)`;
}
