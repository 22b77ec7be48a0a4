import type { IDockerComposeOptions, IDockerComposeResult } from 'docker-compose';
import { ComposeError } from './compose-error.ts';
import type { ComposeExecutable } from './compose-executable.ts';
import { DEFAULT_REPOSITORY_ROOT, type ComposeTarget } from './compose-target.ts';

/** One compose command's setting: which compose, which files and profiles, from where, with what env. */
export interface ComposeContext {
  readonly compose: ComposeExecutable;
  readonly target: ComposeTarget;
  readonly repositoryRoot?: string;
  /** added to process.env, e.g. ZOO1_PORT to move a published port */
  readonly env?: NodeJS.ProcessEnv;
}

/** The docker-compose package's options for a context: the same -f and --profile compose/up passes. */
export function composeOptions(
  context: ComposeContext,
  extra: Pick<IDockerComposeOptions, 'commandOptions' | 'callback' | 'log'> = {},
): IDockerComposeOptions {
  return {
    cwd: context.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT,
    config: [...context.target.files],
    composeOptions: context.target.profiles.map((profile) => ['--profile', profile]),
    ...(context.compose.executable && { executable: context.compose.executable }),
    env: { ...process.env, ...context.env },
    ...extra,
  };
}

/** The command line a context runs, as a user would type it (for messages). */
export function commandLine(
  context: ComposeContext,
  command: string,
  args: readonly string[] = [],
): string[] {
  return [
    ...context.compose.command,
    ...context.target.files.flatMap((file) => ['-f', file]),
    ...context.target.profiles.flatMap((profile) => ['--profile', profile]),
    command,
    ...args,
  ];
}

/**
 * Runs one call of the docker-compose package and turns its failure — a rejected result with the exit
 * code and stderr, or a spawn error — into a ComposeError that quotes what compose said.
 */
export async function runCompose<T extends IDockerComposeResult>(
  operation: string,
  line: readonly string[],
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error) {
      throw new ComposeError(operation, `${line.join(' ')} could not run: ${error.message}`, line);
    }
    const result = error as Partial<IDockerComposeResult>;
    const said = (result.err ?? '').trim().split('\n').slice(-5).join('\n  ');
    throw new ComposeError(
      operation,
      `${line.join(' ')} exited with code ${String(result.exitCode)}${said ? `:\n  ${said}` : ''}`,
      line,
    );
  }
}
