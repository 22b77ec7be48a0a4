import { version as composeVersion, type IDockerComposeExecutableOptions } from 'docker-compose';
import { ComposeError } from './compose-error.ts';

/**
 * Which Docker Compose this machine has. The V2 plugin (`docker compose`) is preferred; the
 * standalone V1 (`docker-compose`, Debian's 1.29.2) is enough to parse and merge files (`config`),
 * which needs no engine, but not to run them (see requireComposeV2).
 */
export interface ComposeExecutable {
  readonly generation: 1 | 2;
  readonly version: string;
  /** how the docker-compose package runs it */
  readonly executable: IDockerComposeExecutableOptions | undefined;
  /** the command line a user would type */
  readonly command: readonly string[];
}

const PLUGIN = { generation: 2, executable: undefined, command: ['docker', 'compose'] } as const;
const STANDALONE = {
  generation: 1,
  executable: { standalone: true },
  command: ['docker-compose'],
} as const satisfies Omit<ComposeExecutable, 'version'>;

export async function findCompose(): Promise<ComposeExecutable | undefined> {
  for (const candidate of [PLUGIN, STANDALONE]) {
    const found = await askVersion(candidate.executable);
    // A standalone docker-compose 2.x is V2 as well; the generation is what it says, not how it is run.
    if (found !== undefined)
      return { ...candidate, generation: found.startsWith('1.') ? 1 : 2, version: found };
  }
  return undefined;
}

async function askVersion(
  executable: IDockerComposeExecutableOptions | undefined,
): Promise<string | undefined> {
  try {
    const { data } = await composeVersion({ ...(executable && { executable }), env: process.env });
    return data.version.replace(/^v/, '') || undefined;
  } catch {
    // Not installed (spawn ENOENT) or not a compose (`docker: unknown command: docker compose`): the
    // next candidate is asked, and "none found" is reported by the caller with what to install.
    return undefined;
  }
}

export async function requireCompose(operation: string): Promise<ComposeExecutable> {
  const compose = await findCompose();
  if (!compose) {
    throw new ComposeError(
      operation,
      'no Docker Compose found: install the Compose V2 plugin (apt-get install docker-compose-plugin, ' +
        'or https://docs.docker.com/compose/install/), or for checking files only, docker-compose',
    );
  }
  return compose;
}

/**
 * Running containers needs Compose V2. docker-compose 1.29.2 reads the `ContainerConfig` field of an
 * image, which Docker Engine 25 no longer returns: recreating a container (the second
 * `up --build`, or any change to a service) fails with `KeyError: 'ContainerConfig'`.
 */
export function requireComposeV2(
  compose: ComposeExecutable | undefined,
  operation: string,
): ComposeExecutable {
  if (compose?.generation === 2) return compose;
  const found = compose
    ? `only ${compose.command.join(' ')} ${compose.version} (Compose V1) is installed`
    : 'no Docker Compose is installed';
  throw new ComposeError(
    operation,
    `needs Docker Compose V2 (the docker compose plugin), and ${found}. ` +
      "V1 breaks on Docker Engine 25+: recreating a container fails with KeyError: 'ContainerConfig'. " +
      'Install the plugin: apt-get install docker-compose-plugin, or https://docs.docker.com/compose/install/',
  );
}
