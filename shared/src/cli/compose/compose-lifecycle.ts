import { downAll, execCompose, logs } from 'docker-compose';
import { PatternError } from '../patterns/pattern-manifest.ts';
import { formatTable } from '../table.ts';
import { listContainers } from './container-status.ts';
import { requireCompose } from './compose-executable.ts';
import { commandLine, composeOptions, runCompose, type ComposeContext } from './compose-invocation.ts';
import { DEFAULT_REPOSITORY_ROOT, everythingTarget } from './compose-target.ts';
import { requireDockerEngine, withoutDocker } from './docker-engine.ts';
import { resolveConfig } from './resolved-config.ts';

/**
 * down, ps and logs act on whatever of the project runs, so they pass every compose file and the
 * monitoring profile: compose only sees the services its files define.
 */
async function everything(operation: string, repositoryRoot: string): Promise<ComposeContext> {
  const compose = await requireCompose(operation);
  return { compose, target: everythingTarget(repositoryRoot), repositoryRoot };
}

export interface ComposeDownOptions {
  readonly volumes: boolean;
  readonly repositoryRoot?: string;
  readonly output: (line: string) => void;
  readonly write: (text: string) => void;
}

export async function composeDown(options: ComposeDownOptions): Promise<void> {
  const context = await everything('down', options.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT);
  await requireDockerEngine('down', withoutDocker('everything'));
  // --remove-orphans: containers of a pattern whose compose file has since been renamed or removed.
  const args = ['--remove-orphans', ...(options.volumes ? ['--volumes'] : [])];
  const line = commandLine(context, 'down', args);
  options.output(line.join(' '));
  await runCompose('down', line, () =>
    downAll(
      composeOptions(context, { commandOptions: args, callback: (chunk) => options.write(chunk.toString()) }),
    ),
  );
}

export async function composePs(repositoryRoot = DEFAULT_REPOSITORY_ROOT): Promise<string> {
  const context = await everything('ps', repositoryRoot);
  await requireDockerEngine('ps', withoutDocker('everything'));
  if (context.compose.generation === 1) {
    // V1 has no JSON output; its own table says the same.
    const result = await runCompose('ps', commandLine(context, 'ps'), () =>
      execCompose('ps', [], composeOptions(context)),
    );
    return result.out.trimEnd();
  }
  const containers = await listContainers(context);
  if (containers.length === 0)
    return 'Nothing runs: start it with npx zk-cookbook compose up [pattern|monitoring]';
  return formatTable(
    ['service', 'container', 'state', 'health', 'ports'],
    containers.map((c) => [c.service, c.name, c.state, c.health, c.publishedPorts.join(',')]),
  );
}

export interface ComposeLogsOptions {
  readonly service: string;
  readonly follow: boolean;
  readonly tail?: number;
  readonly repositoryRoot?: string;
  readonly write: (text: string) => void;
}

export async function composeLogs(options: ComposeLogsOptions): Promise<void> {
  const context = await everything('logs', options.repositoryRoot ?? DEFAULT_REPOSITORY_ROOT);
  // A misspelt service is caught before anything needs an engine, with the names that exist.
  const known = (await resolveConfig(context)).services.map((service) => service.name);
  if (!known.includes(options.service)) {
    throw new PatternError(`unknown service "${options.service}". Known: ${known.join(', ')}.`);
  }
  await requireDockerEngine('logs', withoutDocker('everything'));
  const args = options.tail === undefined ? [] : ['--tail', String(options.tail)];
  await runCompose('logs', commandLine(context, 'logs', [...args, options.service]), () =>
    logs(options.service, {
      ...composeOptions(context, {
        commandOptions: args,
        callback: (chunk) => options.write(chunk.toString()),
      }),
      follow: options.follow,
    }),
  );
}
