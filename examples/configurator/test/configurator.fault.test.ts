import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { allocateFreePorts } from '@zk-cookbook/core/ensemble';
import { eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import {
  ConfiguratorLayout,
  parseEditors,
  startConfigurator,
  type RunningConfigurator,
} from '../src/index.ts';
import { versionRecord } from '../src/records.ts';
import { ConfiguratorApi } from './api-client.ts';

// Faults on an ensemble of the file's own (three servers, tickTime 200 ms: sessions of 4 s at most).
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

interface Answer {
  publishId: string;
  key: string;
  status: number;
  code?: string;
  version?: number;
  resolvedAfter?: string;
}

describe('the Configurator under ZooKeeper faults', () => {
  let configurator: RunningConfigurator;
  let alice: ConfiguratorApi;
  let directory: string;
  const layout = new ConfiguratorLayout();

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'configurator-fault-'));
    configurator = await startConfigurator({
      connectString: dedicated.ensemble.connectString,
      editors: parseEditors({ passwords: 'alice:alice-secret' }),
      sessionTimeoutMs: 4_000,
      requestTimeoutMs: 4_000,
      resolveTimeoutMs: 20_000,
      // Every version stays, so that the check below sees every publish that ever happened.
      keepVersions: 10_000,
      logger: pino({ level: 'silent' }),
    });
    alice = new ConfiguratorApi(configurator.url).as('alice', 'alice-secret');
    await eventually(async () => expect((await fetch(`${configurator.url}/readyz`)).status).toBe(200), {
      timeoutMs: 20_000,
    });
    expect((await alice.post('/api/namespaces', { name: 'faults' })).status).toBe(201);
  });

  afterAll(async () => {
    await configurator?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('kills the leader twice during publishes: each publish happened once or not at all, and the API said which', async () => {
    const keys = ['alpha', 'beta', 'gamma', 'delta'];
    const answers: Answer[] = [];
    let sequence = 0;
    const inFlightSince = new Map<string, number>();
    const publishOnce = async (key: string): Promise<Answer> => {
      const publishId = `${key}-${String(++sequence).padStart(6, '0')}`;
      inFlightSince.set(publishId, Date.now());
      const { status, body } = await alice.post<{
        version?: { version: number };
        resolvedAfter?: string;
        error?: { code: string };
      }>(`/api/namespaces/faults/keys/${key}/versions`, {
        value: { n: sequence },
        message: 'under fire',
        publishId,
      });
      const answer: Answer = {
        publishId,
        key,
        status,
        ...(body.error && { code: body.error.code }),
        ...(body.version && { version: body.version.version }),
        ...(body.resolvedAfter && { resolvedAfter: body.resolvedAfter }),
      };
      inFlightSince.delete(publishId);
      answers.push(answer);
      return answer;
    };
    // Each key's publisher runs until the leader has been killed twice and it has published 3 times since.
    let kills = 0;
    const publisher = async (key: string) => {
      let afterKills = 0;
      while (afterKills < 3) {
        const answer = await publishOnce(key);
        if (kills === 2 && answer.status === 201) afterKills++;
        if (answer.status === 503) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const running = Promise.all(keys.map(publisher));
    for (let round = 1; round <= 2; round++) {
      const acknowledged = answers.filter((answer) => answer.status === 201).length;
      await eventually(
        () =>
          expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(
            acknowledged + 12,
          ),
        {
          timeoutMs: 30_000,
        },
      );
      const leader = (await dedicated.ensemble.leader())!;
      if (round === 2) {
        // Make sure transactions are inside the leader when it dies: writes go through it, so with
        // the leader paused, publishes hang right at their multi. Kill it once one has waited a bit.
        await dedicated.ensemble.pause(leader.id);
        await eventually(() =>
          expect([...inFlightSince.values()].some((since) => Date.now() - since > 300)).toBe(true),
        );
      }
      await dedicated.ensemble.kill(leader.id);
      kills = round;
      await eventually(
        () =>
          expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(
            acknowledged + 16,
          ),
        {
          timeoutMs: 30_000,
        },
      );
      await dedicated.ensemble.restart(leader.id);
    }
    await running;

    // What ZooKeeper holds, read afresh: every version of every key with the publish that made it.
    const reader = await ZooKeeperClient.connect(dedicated.ensemble.connectString);
    try {
      await reader.sync('/');
      const stored = new Map<string, { key: string; version: number }[]>();
      for (const key of keys) {
        const { children } = await reader.getChildren(layout.versions('faults', key));
        const versions = children.map(Number).sort((a, b) => a - b);
        // Nothing half-written: numbers 1..n without a gap, current on the newest.
        expect(versions).toEqual(versions.map((_, index) => index + 1));
        const current = JSON.parse((await reader.getData(layout.current('faults', key))).data.toString()) as {
          version: number;
        };
        expect(current.version).toBe(versions.at(-1));
        for (const version of versions) {
          const record = versionRecord.parse(
            JSON.parse((await reader.getData(layout.version('faults', key, version))).data.toString()),
          );
          stored.set(record.publishId, [...(stored.get(record.publishId) ?? []), { key, version }]);
        }
      }
      const summary: Record<string, number> = {};
      for (const answer of answers) {
        const label =
          answer.status === 201
            ? answer.resolvedAfter
              ? `201 after ${answer.resolvedAfter}`
              : '201'
            : `${answer.status} ${answer.code}`;
        summary[label] = (summary[label] ?? 0) + 1;
        const found = stored.get(answer.publishId) ?? [];
        if (answer.status === 201) {
          // Acknowledged: there exactly once, under the version the API named.
          expect(found, answer.publishId).toEqual([{ key: answer.key, version: answer.version }]);
        } else {
          // Refused or "not applied" (PUBLISH_OUTCOME_UNKNOWN never came: the read-back settled every case).
          expect(answer.code, answer.publishId).not.toBe('PUBLISH_OUTCOME_UNKNOWN');
          expect(found, `${answer.publishId} answered ${answer.status} ${answer.code}`).toEqual([]);
        }
      }
      expect([...stored.values()].every((places) => places.length === 1)).toBe(true);
      // The kill of a paused leader did catch publishes mid-transaction, settled by reading back.
      expect(
        answers.some((answer) => answer.resolvedAfter !== undefined || answer.code === 'PUBLISH_NOT_APPLIED'),
      ).toBe(true);
      expect(stored.size).toBe(answers.filter((answer) => answer.status === 201).length);
      console.info(`publishes around the leader kill: ${JSON.stringify(summary)}`);
    } finally {
      await reader.close();
    }
  });

  it('a subscriber paused past its session timeout ends on the newest version after resuming, skipping the ones in between', async () => {
    const key = '/api/namespaces/faults/keys/paused';
    expect((await alice.post(`${key}/versions`, { value: 'v1', message: 'first' })).status).toBe(201);
    const [port] = await allocateFreePorts(1);
    const child = startSubscriberProcess({
      ZK_CONNECT: dedicated.ensemble.connectString,
      PORT: String(port),
      INSTANCE_ID: 'paused-1',
      CONFIG_NAMESPACE: 'faults',
      ZK_SESSION_TIMEOUT_MS: '4000',
      CONFIG_FALLBACK_FILE: join(directory, 'paused-1.json'),
    });
    const url = `http://127.0.0.1:${port}`;
    const instances = async () =>
      (
        await alice.get<{ instances: { instanceId: string; versions: Record<string, number> }[] }>(
          '/api/namespaces/faults/instances',
        )
      ).body.instances;
    try {
      await eventually(async () => expect(await configOf(url)).toMatchObject({ versions: { paused: 1 } }), {
        timeoutMs: 30_000,
      });
      await eventually(async () =>
        expect(await instances()).toContainEqual(expect.objectContaining({ instanceId: 'paused-1' })),
      );

      child.process.kill('SIGSTOP');
      expect((await alice.post(`${key}/versions`, { value: 'v2', message: 'while paused' })).status).toBe(
        201,
      );
      // Its session expires: ZooKeeper removes its report.
      await eventually(
        async () =>
          expect((await instances()).map((instance) => instance.instanceId)).not.toContain('paused-1'),
        {
          timeoutMs: 20_000,
        },
      );
      expect(
        (await alice.post(`${key}/versions`, { value: 'v3', message: 'after its session expired' })).status,
      ).toBe(201);
      child.process.kill('SIGCONT');

      await eventually(
        async () => expect(await configOf(url)).toMatchObject({ versions: { paused: 3 }, live: true }),
        { timeoutMs: 30_000 },
      );
      await eventually(async () =>
        expect(await instances()).toContainEqual(
          expect.objectContaining({
            instanceId: 'paused-1',
            versions: expect.objectContaining({ paused: 3 }),
          }),
        ),
      );
      // The versions it applied, from its own log: 1, then straight to the newest.
      expect(child.appliedVersions('paused')).toEqual([1, 3]);
    } finally {
      child.process.kill('SIGCONT');
      child.process.kill('SIGTERM');
      await child.exited;
    }
    expect(child.exitCode()).toBe(0);
  });
});

async function configOf(url: string): Promise<{ versions: Record<string, number>; live: boolean }> {
  return (await (await fetch(`${url}/config`)).json()) as { versions: Record<string, number>; live: boolean };
}

/** The demo subscriber as its own process (as `zk-cookbook run` starts it), so it can be SIGSTOPped. */
function startSubscriberProcess(env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/subscriber-main.ts'],
    {
      cwd: PATTERN_DIRECTORY,
      env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => lines.push(line));
  let code: number | null = null;
  const exited = once(child, 'exit').then(([exitCode]) => {
    code = exitCode as number | null;
  });
  return {
    process: child,
    exited,
    exitCode: () => code,
    appliedVersions(key: string): number[] {
      return lines.flatMap((line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; key?: string; version?: number };
          return entry.msg === 'applied' && entry.key === key && entry.version !== undefined
            ? [entry.version]
            : [];
        } catch {
          return [];
        }
      });
    },
  };
}
