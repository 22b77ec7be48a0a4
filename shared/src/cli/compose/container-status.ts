import { execCompose } from 'docker-compose';
import { commandLine, composeOptions, runCompose, type ComposeContext } from './compose-invocation.ts';

/** One container of the project, as `docker compose ps --format json` reports it. */
export interface ContainerStatus {
  readonly service: string;
  readonly name: string;
  /** created, running, restarting, exited, dead, paused */
  readonly state: string;
  /** healthy, starting, unhealthy, or "" for a container without a healthcheck */
  readonly health: string;
  readonly exitCode: number;
  /** host ports its container publishes */
  readonly publishedPorts: readonly number[];
}

export async function listContainers(context: ComposeContext): Promise<ContainerStatus[]> {
  const args = ['--all', '--format', 'json'];
  const result = await runCompose('ps', commandLine(context, 'ps', args), () =>
    execCompose('ps', args, composeOptions(context)),
  );
  return parseContainerStatuses(result.out);
}

interface RawStatus {
  Service?: string;
  Name?: string;
  State?: string;
  Health?: string;
  ExitCode?: number;
  Publishers?: { PublishedPort?: number }[] | null;
}

/** Compose before 2.21 prints one JSON array; later ones one JSON object per line. */
export function parseContainerStatuses(output: string): ContainerStatus[] {
  const trimmed = output.trim();
  if (trimmed === '') return [];
  const raw: RawStatus[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as RawStatus[])
    : trimmed
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RawStatus);
  return raw.map((status) => ({
    service: status.Service ?? '',
    name: status.Name ?? '',
    state: (status.State ?? '').toLowerCase(),
    health: (status.Health ?? '').toLowerCase(),
    exitCode: status.ExitCode ?? 0,
    publishedPorts: (status.Publishers ?? []).map((p) => p.PublishedPort ?? 0).filter((port) => port > 0),
  }));
}
