import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../ensemble/index.ts';
import { childrenOrNone, useZooKeeper } from '../../../test-support/index.ts';
import { PatternError } from './pattern-manifest.ts';
import { runPattern, type RunningPattern } from './run-pattern.ts';

const fixtures = fileURLToPath(new URL('../../../test-support/fixtures/patterns/', import.meta.url));
const cli = fileURLToPath(new URL('../../../bin/zk-cookbook.js', import.meta.url));
const zk = useZooKeeper('run-pattern');
const runs: RunningPattern[] = [];

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()));
});

async function start(pattern: string, lines: string[] = []): Promise<RunningPattern> {
  const running = await runPattern({
    pattern,
    examplesDirectory: fixtures,
    zkConnect: zk.connectString,
    readyTimeoutMs: 30_000,
    output: (line) => lines.push(line),
  });
  runs.push(running);
  return running;
}

describe('runPattern', () => {
  it('starts every instance in manifest order, each ready, on its own port, told of the earlier services', async () => {
    const running = await start('echo');

    expect(running.services.map((service) => service.instanceId)).toEqual([
      'first-1',
      'second-1',
      'second-2',
    ]);
    expect(new Set(running.services.map((service) => service.url)).size).toBe(3);
    const first = (await (await fetch(`${running.urls.first?.[0]}/env`)).json()) as Record<string, unknown>;
    expect(first).toEqual({
      instanceId: 'first-1',
      serviceName: 'first',
      greeting: 'hello',
      serviceUrls: {},
    });
    for (const url of running.urls.second ?? []) {
      const second = (await (await fetch(`${url}/env`)).json()) as {
        serviceUrls: unknown;
        greeting: unknown;
      };
      expect(second.serviceUrls).toEqual({ first: running.urls.first });
      expect(second.greeting).toBeNull();
    }
    const observer = await zk.connect();
    await observer.sync('/');
    expect((await observer.getChildren('/run-fixture')).children.sort()).toEqual([
      'first-1',
      'second-1',
      'second-2',
    ]);

    const described = running.describe();
    expect(described).toContain(`environment: ${running.urls.first?.[0]}/env`);
    for (const service of running.services) expect(described).toContain(service.url);
  });

  it('stops every service with SIGTERM, each exiting cleanly and taking its ephemeral node along', async () => {
    const running = await start('echo');
    const pids = running.services.map((service) => service.pid ?? -1);
    runs.splice(runs.indexOf(running), 1);

    const stopped = await running.close();

    expect(stopped.map((service) => service.instanceId)).toEqual(['second-2', 'second-1', 'first-1']);
    expect(stopped.every((service) => service.graceful)).toBe(true);
    expect(pids.filter((pid) => isProcessAlive(pid))).toEqual([]);
    // A graceful close ends the session at once: no waiting for a session timeout.
    const observer = await zk.connect();
    await observer.sync('/');
    expect(await childrenOrNone(observer, '/run-fixture')).toEqual([]);
  });

  it('reports a service that dies before it is ready with its last output, and stops what it had started', async () => {
    const lines: string[] = [];
    const failure = start('broken', lines);

    await expect(failure).rejects.toBeInstanceOf(PatternError);
    await expect(failure).rejects.toThrow(/doomed-1 .* exited \(code 3\) before it was ready/);
    await expect(failure).rejects.toThrow(/cannot start: NO_SUCH_SETTING is not set/);
    // The service started before the doomed one was ready, then shut down cleanly.
    expect(
      lines.some((line) => line.startsWith('[healthy-1] healthy-1 listening on http://127.0.0.1:')),
    ).toBe(true);
    expect(lines).toContain('[healthy-1] healthy-1 stopped');
  });

  it('names the known patterns when asked for an unknown one', async () => {
    await expect(start('no-such-pattern')).rejects.toThrow(
      'unknown pattern "no-such-pattern". Known patterns: broken, echo.',
    );
    await expect(start('../echo')).rejects.toThrow(/unknown pattern/);
  });
});

describe('zk-cookbook run', () => {
  it('exits non-zero with the list of patterns when the pattern does not exist', async () => {
    const result = await promisify(execFile)(process.execPath, [cli, 'run', 'no-such-pattern'], {
      env: { ...process.env, ZK_CONNECT: zk.connectString },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^zk-cookbook: unknown pattern "no-such-pattern"\. (Known patterns|No runnable)/,
    );
  });
});
