import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemberFiles } from './ensemble-member.ts';
import { allocateFreePorts } from './free-ports.ts';
import { renderServerConfig, type MemberAddress, type ServerSettings } from './server-config.ts';

/**
 * Ids and ports for every member: participants get ids 1..servers, observers the ids after them.
 * Ports come from the OS unless a base port is given (for a human who wants stable addresses).
 */
export async function planMembers(plan: {
  servers: number;
  observers: number;
  host: string;
  basePort: number | undefined;
}): Promise<MemberAddress[]> {
  const count = plan.servers + plan.observers;
  const { basePort } = plan;
  const ports =
    basePort === undefined
      ? await allocateFreePorts(count * 3, plan.host)
      : Array.from({ length: count }, (_, i) => [
          basePort + i,
          basePort + 100 + i,
          basePort + 200 + i,
        ]).flat();

  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    role: index < plan.servers ? 'participant' : 'observer',
    host: plan.host,
    clientPort: ports[index * 3] ?? 0,
    quorumPort: ports[index * 3 + 1] ?? 0,
    electionPort: ports[index * 3 + 2] ?? 0,
  }));
}

/** `<root>/server-<id>/{zoo.cfg, zoo.cfg.dynamic, server.log, data/}` */
export function memberFiles(root: string, id: number): MemberFiles {
  const directory = join(root, `server-${id}`);
  return {
    directory,
    dataDir: join(directory, 'data'),
    configFile: join(directory, 'zoo.cfg'),
    dynamicConfigFile: join(directory, 'zoo.cfg.dynamic'),
    logFile: join(directory, 'server.log'),
  };
}

/** Writes a fresh directory for one member, replacing what an earlier failed attempt left. */
export function writeMemberFiles(
  member: MemberAddress,
  members: readonly MemberAddress[],
  settings: ServerSettings,
  files: MemberFiles,
): void {
  rmSync(files.directory, { recursive: true, force: true });
  mkdirSync(files.dataDir, { recursive: true });
  // The server finds out which server.N line is its own from this file.
  writeFileSync(join(files.dataDir, 'myid'), `${member.id}\n`);
  const config = renderServerConfig(member, members, settings, files);
  writeFileSync(files.configFile, config.staticConfig);
  if (config.dynamicConfig !== undefined) writeFileSync(files.dynamicConfigFile, config.dynamicConfig);
}
