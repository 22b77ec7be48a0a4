import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { allocateFreePorts, RESERVED_PORTS } from './free-ports.ts';
import { planMembers } from './member-layout.ts';

describe('allocateFreePorts', () => {
  it('returns distinct bindable ports, never ZooKeeper’s well-known ones', async () => {
    const ports = await allocateFreePorts(12);
    expect(new Set(ports).size).toBe(12);
    for (const port of ports) expect(RESERVED_PORTS.has(port)).toBe(false);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not hand out the same port twice in one process', async () => {
    const first = await allocateFreePorts(20);
    const second = await allocateFreePorts(20);
    expect(first.filter((port) => second.includes(port))).toEqual([]);
  });
});

describe('planMembers', () => {
  it('numbers participants first, then observers, with three ports each', async () => {
    const members = await planMembers({ servers: 3, observers: 1, host: '127.0.0.1', basePort: undefined });
    expect(members.map((member) => [member.id, member.role])).toEqual([
      [1, 'participant'],
      [2, 'participant'],
      [3, 'participant'],
      [4, 'observer'],
    ]);
    const ports = members.flatMap((member) => [member.clientPort, member.quorumPort, member.electionPort]);
    expect(new Set(ports).size).toBe(12);
  });

  it('lays fixed ports out from a base port', async () => {
    const members = await planMembers({ servers: 2, observers: 0, host: '127.0.0.1', basePort: 30_000 });
    expect(
      members.map(({ clientPort, quorumPort, electionPort }) => [clientPort, quorumPort, electionPort]),
    ).toEqual([
      [30_000, 30_100, 30_200],
      [30_001, 30_101, 30_201],
    ]);
  });
});
