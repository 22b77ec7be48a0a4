import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { requestJson, type TakenAnswer } from './support.ts';

/**
 * The pattern as a reader runs it: `npx zk-cookbook run naming` (against this file's chroot of the
 * shared ensemble, through ZK_CONNECT) starts two naming instances as processes, and on Ctrl-C stops
 * both with SIGTERM — each must unbind, close its session and exit 0.
 */
const zk = useZooKeeper('naming-run');
const CLI = fileURLToPath(new URL('../../../shared/bin/zk-cookbook.js', import.meta.url));
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: PATTERN_DIRECTORY,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

describe('npx zk-cookbook run naming', () => {
  it('starts two instances that share IDs and names, and stops both gracefully on Ctrl-C', async () => {
    const { child, output } = run([CLI, 'run', 'naming'], { ZK_CONNECT: zk.connectString });
    const urls = await eventually(
      () => {
        expect(output()).toContain('Press Ctrl-C to stop everything.');
        const found = [...output().matchAll(/^\s*(naming-\d)\s+(http:\/\/127\.0\.0\.1:\d+)/gm)];
        return Object.fromEntries(found.map((match) => [match[1]!, match[2]!]));
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(Object.keys(urls).sort()).toEqual(['naming-1', 'naming-2']);
    const [one, two] = [urls['naming-1']!, urls['naming-2']!];

    // The manifest's types, defined by whichever instance came first, used by both.
    const taken = await Promise.all(
      [one, two, one, two].map((url) => requestJson<TakenAnswer>(`${url}/ids/job?count=3`, 'POST')),
    );
    const jobs = taken.flatMap((answer) => answer.body.names);
    expect(new Set(jobs).size).toBe(12);
    expect(jobs.every((name) => /^job-\d{10}$/.test(name))).toBe(true);
    const invoice = await requestJson<TakenAnswer>(`${two}/ids/invoice`, 'POST');
    expect(invoice.body.generator).toBe('range');

    const bound = await requestJson(`${one}/names/workshop`, 'PUT', {
      owner: 'laptop',
      addresses: ['10.1.1.1:80'],
    });
    expect(bound.status).toBe(201);
    await eventually(async () => {
      const resolved = await requestJson<{ addresses: string[] }>(`${two}/names/workshop`);
      expect(resolved.body.addresses).toEqual(['10.1.1.1:80']);
    });

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output()).toContain('Stopped.\n');
    expect(output()).not.toContain('not a graceful exit');
    expect(code).toBe(0);
    // The session binding went with the graceful shutdown, at once (not at session expiry).
    const reader = await zk.connect();
    await reader.sync('/naming/names');
    expect(await reader.exists('/naming/names/workshop/laptop')).toBeNull();
  }, 120_000);

  it('a service with a bad setting exits 1 and says which', async () => {
    const { child, output } = run(
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/naming-main.ts'],
      {
        ZK_CONNECT: zk.connectString,
        ID_TYPES: 'job=sequential,invoice=counter',
      },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output()).toMatch(/ID_TYPES: .*invoice=counter.* is not <type>=sequential/);
  }, 60_000);
});
