/**
 * The TypeScript side of the client suite: one workload, in a fresh Node process, printing one JSON
 * line (see protocol.ts). bench/java/ClientBench.java does the same with the official Java client.
 *
 *   node --import tsx bench/client/ts-client-bench.ts creates 127.0.0.1:2181 /bench/c1 5000 1000 100
 */
import { performance } from 'node:perf_hooks';
import { ZooKeeperClient } from '../../shared/src/client/index.ts';
import { cpuWaitMs } from '../lib/cpu-wait.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { parseRunArguments, type ClientRunResult, type RunArguments } from './protocol.ts';

interface Timed {
  elapsedMs: number;
  cpuMs: number;
  cpuWaitMs?: number;
  latenciesUs?: number[];
}

async function main(): Promise<void> {
  const run = parseRunArguments(process.argv.slice(2));
  const client = await ZooKeeperClient.connect(run.connect);
  try {
    const timed = await runWorkload(client, run);
    const result: ClientRunResult = {
      contender: 'ts',
      clientVersion: `zk-cookbook ${packageJson.version}`,
      workload: run.workload,
      ops: run.count,
      ...timed,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
  }
}

async function runWorkload(client: ZooKeeperClient, run: RunArguments): Promise<Timed> {
  switch (run.workload) {
    case 'creates': {
      const data = Buffer.alloc(run.payloadBytes, 'x');
      await client.create(run.path);
      await pipelinedCreates(client, run.path, 'warmup-', run.warmup, data);
      return measure(() => pipelinedCreates(client, run.path, 'node-', run.count, data));
    }
    case 'reads': {
      await client.sync(run.path);
      const { children } = await client.getChildren(run.path);
      const paths = children.map((name) => `${run.path}/${name}`);
      await pipelinedReads(client, paths, run.warmup);
      return measure(() => pipelinedReads(client, paths, run.count));
    }
    case 'latency': {
      await client.sync(run.path);
      await sequentialReads(client, run.path, run.warmup);
      let latenciesUs: number[] = [];
      const timed = await measure(async () => {
        latenciesUs = await sequentialReads(client, run.path, run.count);
      });
      return { ...timed, latenciesUs };
    }
  }
}

async function measure(work: () => Promise<unknown>): Promise<Timed> {
  const cpuBefore = process.cpuUsage();
  const waitBefore = cpuWaitMs();
  const start = performance.now();
  await work();
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const waitAfter = cpuWaitMs();
  return {
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(waitBefore !== undefined && waitAfter !== undefined && { cpuWaitMs: waitAfter - waitBefore }),
  };
}

/** Every create issued before the first reply is read: the client's pipelining is what is measured. */
function pipelinedCreates(
  client: ZooKeeperClient,
  parent: string,
  prefix: string,
  count: number,
  data: Buffer,
): Promise<void> {
  return pipelined(count, (index) => client.create(`${parent}/${prefix}${index}`, data));
}

function pipelinedReads(client: ZooKeeperClient, paths: readonly string[], count: number): Promise<void> {
  return pipelined(count, (index) => {
    const path = paths[index % paths.length]!;
    return index % 2 === 0 ? client.getData(path) : client.exists(path);
  });
}

/**
 * Issues every request at once and resolves when the last one has, like the Java side's callbacks
 * and CountDownLatch. Results are dropped as they arrive (Promise.all would keep them all), so
 * memory measures the client, not the benchmark.
 */
function pipelined(count: number, issue: (index: number) => Promise<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    let remaining = count;
    if (remaining === 0) resolve();
    const completed = (): void => {
      if (--remaining === 0) resolve();
    };
    for (let index = 0; index < count; index++) issue(index).then(completed, reject);
  });
}

async function sequentialReads(client: ZooKeeperClient, path: string, count: number): Promise<number[]> {
  const latenciesUs: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await client.getData(path);
    latenciesUs.push((performance.now() - start) * 1000);
  }
  return latenciesUs;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `ts-client-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
