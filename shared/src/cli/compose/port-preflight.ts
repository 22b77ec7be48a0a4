import { createServer } from 'node:net';
import type { PortVariable } from './port-variables.ts';
import type { PublishedPort } from './resolved-config.ts';

export interface TakenPort {
  readonly port: PublishedPort;
  /** the variable that moves it, when the compose file publishes it through one */
  readonly variable: PortVariable | undefined;
  /** why it cannot be bound: EADDRINUSE, EACCES... */
  readonly code: string;
}

/**
 * The published ports that something else already holds. Docker would fail on them only after it
 * has pulled, built and started half the services ("port is already allocated"); trying to bind each
 * first finds them all at once and names them. Ports held by this project's own running containers
 * are skipped: `up` on a running project keeps them.
 */
export async function findTakenPorts(
  ports: readonly PublishedPort[],
  variables: readonly PortVariable[],
  heldByProject: ReadonlySet<number> = new Set(),
): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const port of ports) {
    if (heldByProject.has(port.published)) continue;
    const code = await tryBind(port.hostIp, port.published);
    if (code === undefined) continue;
    const variable = variables.find((v) => v.service === port.service && v.target === port.target);
    taken.push({ port, variable, code });
  }
  return taken;
}

function tryBind(hostIp: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    // exclusive: a port held by another process's SO_REUSEPORT socket must count as taken.
    server.listen({ host: hostIp === '' ? '0.0.0.0' : hostIp, port, exclusive: true }, () => {
      server.close(() => resolve(undefined));
    });
  });
}

/**
 * One line per taken port: which, for which service, and the variable that moves it, set on the
 * command that will run again (e.g. "npx zk-cookbook compose up config-center").
 */
export function describeTakenPorts(taken: readonly TakenPort[], rerun: string): string {
  return taken
    .map(({ port, variable, code }) => {
      const address = `${port.hostIp || '0.0.0.0'}:${port.published}`;
      const why = code === 'EADDRINUSE' ? 'is already taken' : `cannot be bound (${code})`;
      const move = variable
        ? `move it with ${variable.variable}=<free port> ${rerun}`
        : 'its compose file publishes it without a variable; change the file';
      return `port ${address} (${port.service}) ${why}: ${move}`;
    })
    .join('\n  ');
}
