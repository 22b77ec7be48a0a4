/**
 * The Node side of the client suite: one workload with one Node client, in a fresh Node process,
 * printing one JSON line (see protocol.ts). The client is reached through its driver (drivers/), so
 * ours, the npm `zookeeper` binding and npm `node-zookeeper-client` run the very same requests;
 * bench/java/ClientBench.java does the same with the official Java client.
 *
 *   node --import tsx bench/client/node-client-bench.ts native creates 127.0.0.1:2181 /bench/c1 5000 1000 100
 *
 * A client that cannot do the workload prints an UnavailableRun with its driver's reason instead.
 */
import { performance } from 'node:perf_hooks';
import { cpuWaitMs } from '../lib/cpu-wait.ts';
import { isUnsupported, withTimeout, type ClientDriver } from './drivers/driver.ts';
import { connectDriver, isNodeContender, NODE_CONTENDERS } from './drivers/load-driver.ts';
import { assertFailuresSurface } from './drivers/failure-check.ts';
import { MULTI_CREATES, parseRunArguments, type ChildOutcome, type RunArguments } from './protocol.ts';

/** A pipelined batch that has not completed after this long has lost requests: fail the run. */
const BATCH_TIMEOUT_MS = 120_000;

interface Timed {
  elapsedMs: number;
  cpuMs: number;
  cpuWaitMs?: number;
  latenciesUs?: number[];
}

async function main(): Promise<void> {
  const [contender, ...rest] = process.argv.slice(2);
  if (!isNodeContender(contender)) {
    throw new Error(
      `usage: <${NODE_CONTENDERS.join('|')}> <workload> …, got: ${process.argv.slice(2).join(' ')}`,
    );
  }
  const run = parseRunArguments(rest);
  const driver = await connectDriver(contender, run.connect);
  try {
    const outcome = await runWorkload(driver, run);
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
  } finally {
    await driver.close();
  }
}

async function runWorkload(driver: ClientDriver, run: RunArguments): Promise<ChildOutcome> {
  const described = {
    contender: driver.contender,
    clientVersion: driver.clientVersion,
    workload: run.workload,
  };
  const data = Buffer.alloc(run.payloadBytes, 'x');
  let timed: Timed;
  switch (run.workload) {
    case 'creates': {
      await driver.create(run.path, Buffer.alloc(0));
      await assertFailuresSurface(driver, run.path);
      await pipelined(run.warmup, (index) => driver.create(`${run.path}/warmup-${index}`, data));
      timed = await measure(() =>
        pipelined(run.count, (index) => driver.create(`${run.path}/node-${index}`, data)),
      );
      break;
    }
    case 'reads': {
      await driver.catchUp(run.path);
      await assertFailuresSurface(driver, run.path);
      const paths = (await driver.getChildren(run.path)).map((name) => `${run.path}/${name}`);
      if (paths.length === 0) throw new Error(`${run.path} has no children to read`);
      const read = (index: number): Promise<unknown> => {
        const path = paths[index % paths.length]!;
        return index % 2 === 0
          ? driver.getData(path).then((bytes) => expectLength(bytes, data, path))
          : driver.exists(path);
      };
      await pipelined(run.warmup, read);
      timed = await measure(() => pipelined(run.count, read));
      break;
    }
    case 'latency': {
      await driver.catchUp(run.path);
      await assertFailuresSurface(driver, run.path);
      await sequentialReads(driver, run.path, run.warmup, data);
      let latenciesUs: number[] = [];
      timed = await measure(async () => {
        latenciesUs = await sequentialReads(driver, run.path, run.count, data);
      });
      timed.latenciesUs = latenciesUs;
      break;
    }
    case 'multi': {
      const { createAll } = driver;
      if (isUnsupported(createAll)) return { ...described, unavailable: createAll.unsupported };
      await driver.create(run.path, Buffer.alloc(0));
      await assertFailuresSurface(driver, run.path);
      const transaction = (prefix: string) => (index: number) =>
        createAll(
          Array.from({ length: MULTI_CREATES }, (_, item) => `${run.path}/${prefix}${index}-${item}`),
          data,
        );
      await pipelined(run.warmup, transaction('warmup-'));
      timed = await measure(() => pipelined(run.count, transaction('node-')));
      break;
    }
    case 'watches': {
      const { watchDataChanges } = driver;
      if (isUnsupported(watchDataChanges)) return { ...described, unavailable: watchDataChanges.unsupported };
      timed = await watchedChanges(driver, watchDataChanges, run, data);
      break;
    }
  }
  return { ...described, ops: run.count, ...timed, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * One persistent recursive watch on the parent, then setData on its children, all issued at once;
 * a batch ends when every setData has been acknowledged and every change notified. Any other event
 * on the watch (a disconnection, a deletion) fails the run.
 */
async function watchedChanges(
  driver: ClientDriver,
  watchDataChanges: Exclude<ClientDriver['watchDataChanges'], { unsupported: string }>,
  run: RunArguments,
  data: Buffer,
): Promise<Timed> {
  await driver.catchUp(run.path);
  await assertFailuresSurface(driver, run.path);
  const paths = (await driver.getChildren(run.path)).map((name) => `${run.path}/${name}`);
  if (paths.length === 0) throw new Error(`${run.path} has no children to change`);
  let notified = 0;
  let unexpected: string | undefined;
  let wake: (() => void) | undefined;
  await watchDataChanges(
    run.path,
    () => {
      notified++;
      wake?.();
    },
    (event) => {
      unexpected ??= event;
      wake?.();
    },
  );
  const batch = async (count: number): Promise<void> => {
    const target = notified + count;
    const allNotified = new Promise<void>((resolve, reject) => {
      wake = () => {
        if (unexpected) reject(new Error(`unexpected event on the persistent watch: ${unexpected}`));
        else if (notified >= target) resolve();
      };
      wake();
    });
    await Promise.all([
      pipelined(count, (index) => driver.setData(paths[index % paths.length]!, data)),
      withTimeout(allNotified, BATCH_TIMEOUT_MS, `${count} change notifications`),
    ]);
    if (notified !== target)
      throw new Error(`${notified - target + count} notifications for ${count} changes`);
  };
  await batch(run.warmup);
  return measure(() => batch(run.count));
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

/**
 * Issues every request at once and resolves when the last one has, like the Java side's callbacks
 * and CountDownLatch; the first failure fails the batch. Results are dropped as they arrive
 * (Promise.all would keep them all), so memory measures the client, not the benchmark.
 */
function pipelined(count: number, issue: (index: number) => Promise<unknown>): Promise<void> {
  const all = new Promise<void>((resolve, reject) => {
    let remaining = count;
    if (remaining === 0) resolve();
    const completed = (): void => {
      if (--remaining === 0) resolve();
    };
    for (let index = 0; index < count; index++) issue(index).then(completed, reject);
  });
  return withTimeout(all, BATCH_TIMEOUT_MS, `${count} pipelined requests`);
}

async function sequentialReads(
  driver: ClientDriver,
  path: string,
  count: number,
  expected: Buffer,
): Promise<number[]> {
  const latenciesUs: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    const data = await driver.getData(path);
    latenciesUs.push((performance.now() - start) * 1000);
    expectLength(data, expected, path);
  }
  return latenciesUs;
}

/** A read that returned other bytes than the fixture holds did not read the fixture. */
function expectLength(data: Buffer, expected: Buffer, path: string): void {
  if (data.length !== expected.length) {
    throw new Error(`getData ${path}: ${data.length} bytes, the node holds ${expected.length}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `node-client-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
