import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateFreePorts } from '../../ensemble/index.ts';
import { describeTakenPorts, findTakenPorts } from './port-preflight.ts';
import type { PortVariable } from './port-variables.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function occupy(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
}

describe('the port pre-flight check', () => {
  it('names a port something else holds, its service and the variable that moves it', async () => {
    const [busy, free] = (await allocateFreePorts(2)) as [number, number];
    await occupy(busy);
    const variables: PortVariable[] = [
      { service: 'zoo1', target: 2181, variable: 'ZOO1_PORT', defaultValue: '2181' },
      { service: 'zoo2', target: 2181, variable: 'ZOO2_PORT', defaultValue: '2182' },
    ];
    const taken = await findTakenPorts(
      [
        { service: 'zoo1', hostIp: '127.0.0.1', published: free, target: 2181 },
        { service: 'zoo2', hostIp: '127.0.0.1', published: busy, target: 2181 },
      ],
      variables,
    );

    expect(taken).toEqual([
      {
        port: { service: 'zoo2', hostIp: '127.0.0.1', published: busy, target: 2181 },
        variable: variables[1],
        code: 'EADDRINUSE',
      },
    ]);
    expect(describeTakenPorts(taken, 'npx zk-cookbook compose up')).toBe(
      `port 127.0.0.1:${busy} (zoo2) is already taken: move it with ZOO2_PORT=<free port> npx zk-cookbook compose up`,
    );
  });

  it("skips ports the project's own running containers hold, and says when no variable moves a port", async () => {
    const [busy] = (await allocateFreePorts(1)) as [number];
    await occupy(busy);
    const port = { service: 'web', hostIp: '127.0.0.1', published: busy, target: 80 };
    expect(await findTakenPorts([port], [], new Set([busy]))).toEqual([]);
    const taken = await findTakenPorts([port], []);
    expect(describeTakenPorts(taken, 'x')).toContain('publishes it without a variable');
  });
});
