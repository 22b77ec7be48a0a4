import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocateFreePorts } from '../../ensemble/index.ts';
import { ComposeError } from './compose-error.ts';
import type { ContainerStatus } from './container-status.ts';
import { probeReadyz, waitForStack } from './stack-readiness.ts';

/** A real service answering /readyz: 503 until `ready` is set, as the zk-cookbook services do. */
let server: Server;
let readyzUrl: string;
let ready = false;
let readyzRequests = 0;
beforeEach(async () => {
  ready = false;
  readyzRequests = 0;
  server = createServer((request, response) => {
    if (request.url === '/readyz') readyzRequests++;
    response.statusCode = request.url === '/readyz' && ready ? 200 : 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  readyzUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const container = (service: string, state: string, health = ''): ContainerStatus => ({
  service,
  name: `compose-${service}-1`,
  state,
  health,
  exitCode: state === 'exited' ? 137 : 0,
  publishedPorts: [],
});

/**
 * A fake `docker compose ps`: each call returns the next scripted snapshot and stays on the last, so
 * a test drives the containers through their states one poll at a time.
 */
function scriptedPs(...snapshots: ContainerStatus[][]): {
  statuses: () => Promise<ContainerStatus[]>;
  polls: () => number;
} {
  let calls = 0;
  return {
    statuses: () => Promise.resolve(snapshots[Math.min(calls++, snapshots.length - 1)]!),
    polls: () => calls,
  };
}

const expectations = (url: string) => [
  { service: 'zoo1', ensemble: true },
  { service: 'zoo2', ensemble: true },
  { service: 'publisher', readyUrl: url },
];

describe('waiting for a compose stack', () => {
  it('reports each change, the ensemble once healthy, and returns once /readyz answers 200', async () => {
    const ps = scriptedPs(
      [],
      [container('zoo1', 'running', 'starting'), container('zoo2', 'running', 'starting')],
      [container('zoo1', 'running', 'healthy'), container('zoo2', 'running', 'starting')],
      [
        container('zoo1', 'running', 'healthy'),
        container('zoo2', 'running', 'healthy'),
        container('publisher', 'created'),
      ],
      [
        container('zoo1', 'running', 'healthy'),
        container('zoo2', 'running', 'healthy'),
        container('publisher', 'running', 'healthy'),
      ],
    );
    const lines: string[] = [];
    const waiting = waitForStack({
      expectations: expectations(readyzUrl),
      statuses: ps.statuses,
      timeoutMs: 20_000,
      intervalMs: 10,
      progress: (line) => {
        lines.push(line);
        // The service becomes ready only after the waiter has seen it refuse: no race on timing.
        if (line.includes('publisher: running, /readyz answered 503')) ready = true;
      },
    });
    await waiting;

    const changes = lines.map((line) => line.replace(/^\s*\d+ s\s+/, ''));
    expect(changes).toEqual([
      'zoo1: not created yet',
      'zoo2: not created yet',
      'publisher: not created yet',
      'zoo1: starting (healthcheck pending)',
      'zoo2: starting (healthcheck pending)',
      'zoo1: ready',
      'zoo2: ready',
      'publisher: created',
      'ZooKeeper ensemble healthy: zoo1, zoo2',
      'publisher: running, /readyz answered 503',
      'publisher: ready',
    ]);
    expect(readyzRequests).toBeGreaterThanOrEqual(2);
  });

  it('fails at once, naming the logs to read, when a container stops before it is ready', async () => {
    const ps = scriptedPs([
      container('zoo1', 'running', 'healthy'),
      container('zoo2', 'running', 'healthy'),
      container('publisher', 'exited'),
    ]);
    const failure = waitForStack({
      expectations: expectations(readyzUrl),
      statuses: ps.statuses,
      timeoutMs: 20_000,
      intervalMs: 10,
      progress: () => {},
    });
    await expect(failure).rejects.toThrow(ComposeError);
    await expect(failure).rejects.toThrow(
      'publisher stopped (exited, exit code 137) before it was ready. See why with: npx zk-cookbook compose logs publisher',
    );
    expect(ps.polls()).toBe(1);
  });

  it('gives up at the deadline, naming what is not ready and how far it got', async () => {
    const ps = scriptedPs([
      container('zoo1', 'running', 'healthy'),
      container('zoo2', 'running', 'unhealthy'),
      container('publisher', 'running', 'healthy'),
    ]);
    const lines: string[] = [];
    const failure = waitForStack({
      expectations: expectations(readyzUrl),
      statuses: ps.statuses,
      timeoutMs: 300,
      intervalMs: 20,
      quietReportMs: 100,
      progress: (line) => lines.push(line),
    });
    await expect(failure).rejects.toThrow(
      'not ready after 0 s: zoo2 (unhealthy (healthcheck failing)), publisher (running, /readyz answered 503). ' +
        'See why with: npx zk-cookbook compose logs zoo2',
    );
    expect(lines.some((line) => line.includes('still waiting for zoo2'))).toBe(true);
  });

  it('probes /readyz for real: the status it answered, or why it could not be reached', async () => {
    expect(await probeReadyz(readyzUrl)).toEqual({ ready: false, detail: 'answered 503' });
    ready = true;
    expect(await probeReadyz(readyzUrl)).toEqual({ ready: true, detail: 'answered 200' });
    const [nobody] = await allocateFreePorts(1);
    expect(await probeReadyz(`http://127.0.0.1:${nobody}/readyz`)).toEqual({
      ready: false,
      detail: 'unreachable (ECONNREFUSED)',
    });
  });
});
