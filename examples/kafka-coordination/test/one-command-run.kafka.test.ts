import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '@zk-cookbook/core/ensemble';
import { eventually } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSnapshot, ProducerState, SentRecord } from '../src/index.ts';

/**
 * The pattern as a reader runs it: `npx zk-cookbook run kafka-coordination` starts a local ensemble,
 * three Kafka brokers on it and the pattern's services; each becomes ready, the inspector sees the
 * brokers and a controller, the producer takes messages; on Ctrl-C everything stops — services,
 * brokers and ZooKeeper servers alike, no JVM left behind.
 */
const CLI = fileURLToPath(new URL('../../../shared/bin/zk-cookbook.js', import.meta.url));
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));
const { zkCookbook } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  zkCookbook: { services: { name: string; instances: number }[] };
};
const INSTANCES = zkCookbook.services.flatMap(({ name, instances }) =>
  Array.from({ length: instances }, (_, index) => `${name}-${index + 1}`),
);

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Every process below `root` now, by the parent ids in /proc: the services, the brokers, the servers. */
function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we listed
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const child of parents.get(pending.pop()!) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

async function call<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  return { status: response.status, body: (await response.json()) as T };
}

/** The part of a consumer's GET /api/state this test reads. */
interface ConsumerState {
  member?: { owned: { partition: number }[] };
  consumedByPartition: Record<string, number>;
}

const postMessage = (producer: string, body: unknown) =>
  call<SentRecord & { error?: { code: string } }>(`${producer}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('npx zk-cookbook run kafka-coordination', () => {
  it('starts an ensemble, three brokers and the services, each ready, and stops every process on Ctrl-C', async () => {
    const { ZK_CONNECT: _ignored, ...environment } = process.env;
    const startedAt = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', 'kafka-coordination'], {
      cwd: PATTERN_DIRECTORY,
      env: { ...environment, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const urls = await eventually(
      () => {
        expect(child.exitCode, output).toBeNull();
        expect(output).toContain('Press Ctrl-C to stop everything.');
        const found = [...output.matchAll(/^\s*([a-z]+-\d)\s+(http:\/\/127\.0\.0\.1:\d+)/gm)];
        return Object.fromEntries(found.map((match) => [match[1]!, match[2]!]));
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    const upMs = performance.now() - startedAt;
    expect(Object.keys(urls).sort()).toEqual([...INSTANCES].sort());
    expect(output).toMatch(
      /^Kafka 3\.9\.\d+: bootstrap (127\.0\.0\.1:\d+,){2}127\.0\.0\.1:\d+ {3}zookeeper\.connect \S+\/kafka$/m,
    );
    expect(output).toContain(`the cluster's control plane, live: ${urls['inspector-1']}/`);
    for (const url of Object.values(urls)) expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const inspector = urls['inspector-1']!;
    const producer = urls['producer-1']!;
    const { body: cluster } = await call<ClusterSnapshot>(`${inspector}/api/cluster`);
    expect(cluster.view?.brokers.map((broker) => broker.id)).toEqual([1, 2, 3]);
    expect(cluster.view?.controller?.brokerId).toBeGreaterThan(0);
    expect(cluster.view?.issues).toEqual([]);

    // The generator's topic, created by the producer with three replicas, and numbers flowing into it.
    await eventually(
      async () => {
        const { body: state } = await call<ProducerState>(`${producer}/api/state`);
        expect(state.connected).toBe(true);
        expect(state.brokers.map((broker) => broker.id)).toEqual([1, 2, 3]);
        expect(state.sent).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const { body: withTopic } = await call<ClusterSnapshot>(`${inspector}/api/cluster`);
    const numbers = withTopic.view?.topics.find((topic) => topic.name === 'numbers');
    expect(numbers?.partitions.map((partition) => partition.replicas.length)).toEqual([3, 3, 3]);

    // The book's consumer group: the three partitions split between the members through ZooKeeper
    // ownership (/kafka/consumers/<group>/owners), and the numbers consumed.
    const consumers = Object.keys(urls).filter((instance) => instance.startsWith('consumer-'));
    expect(consumers.sort()).toEqual(['consumer-1', 'consumer-2']);
    await eventually(
      async () => {
        const states = await Promise.all(
          consumers.map(async (instance) => (await call<ConsumerState>(`${urls[instance]}/api/state`)).body),
        );
        const owned = states.flatMap((state) => state.member?.owned.map((each) => each.partition) ?? []);
        expect(owned.sort()).toEqual([0, 1, 2]);
        const consumed = states.flatMap((state) => Object.values(state.consumedByPartition));
        expect(consumed.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    const sent = await postMessage(producer, { topic: 'numbers', key: 'order-7', value: 'hello' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ topic: 'numbers', key: 'order-7', source: 'api' });
    expect(sent.body.partition).toBeGreaterThanOrEqual(0);
    expect(Number(sent.body.offset)).toBeGreaterThanOrEqual(0);
    expect((await postMessage(producer, { topic: 'no such topic!', value: 1 })).status).toBe(400);
    expect((await postMessage(producer, { topic: 'absent', value: 'x' })).body.error?.code).toBe(
      'UNKNOWN_TOPIC',
    );
    const oversize = await postMessage(producer, { topic: 'numbers', value: 'x'.repeat(100_001) });
    expect([oversize.status, oversize.body.error?.code]).toEqual([413, 'VALUE_TOO_LARGE']);

    const processes = descendants(child.pid!);
    const jvms = processes.filter((pid) => commandOf(pid).includes('java'));
    // Three ZooKeeper servers and three brokers.
    expect(jvms.length).toBeGreaterThanOrEqual(6);

    const stopAt = performance.now();
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    const stopMs = performance.now() - stopAt;
    expect(output).toContain('stopping the services, then Kafka and the ensemble');
    expect(output).toContain('Stopped.\n');
    expect(output).not.toContain('not a graceful exit');
    expect(code).toBe(0);
    await eventually(() => expect(processes.filter((pid) => isProcessAlive(pid))).toEqual([]), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    console.info(
      `up (ensemble, 3 brokers, services ready) in ${Math.round(upMs)} ms; stopped in ${Math.round(stopMs)} ms; ${jvms.length} JVMs, ${processes.length} processes`,
    );
  }, 180_000);

  it('a service without a ZooKeeper address exits 1 and says what is missing', async () => {
    const { ZK_CONNECT: _ignored, KAFKA_ZOOKEEPER_CONNECT: _alsoIgnored, ...environment } = process.env;
    const child = spawn(
      process.execPath,
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/producer-main.ts'],
      {
        cwd: PATTERN_DIRECTORY,
        env: { ...environment, GENERATE_EVERY_MS: 'often' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    started.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output).toContain('KAFKA_ZOOKEEPER_CONNECT (host:port[,...]/chroot) or ZK_CONNECT is required');
    expect(output).toContain('GENERATE_EVERY_MS');
  }, 60_000);
});
