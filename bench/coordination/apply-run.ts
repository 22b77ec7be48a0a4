/**
 * One throughput run of the coordination benchmark, in a fresh process (bench/suites/coordination.ts
 * starts it with the source condition, since it uses the pattern's package): a TaskRunner alone on a
 * fresh task applies N records as fast as ZooKeeper commits them, checkpointing every `batch`
 * records (one multi per batch: the version-checked checkpoint plus one create per record). A
 * warm-up task runs first, untimed. The output is checked: every record once, in order.
 *
 * Prints one JSON line (ApplyRunResult).
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ZooKeeperClient, joinPath } from '@zk-cookbook/core/client';
import { TaskRunner, parseInputLog, taskLayout, type InputRecord } from '@zk-cookbook/example-coordination';

export interface ApplyRunResult {
  batch: number;
  records: number;
  commits: number;
  elapsedMs: number;
  recordsPerSecond: number;
  commitsPerSecond: number;
}

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    root: { type: 'string' },
    batch: { type: 'string', default: '1' },
    records: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '100' },
  },
});
if (!values.connect || !values.root) throw new Error('--connect and --root are required');
const batch = Number(values.batch);
const count = Number(values.records);
const logger = pino({ level: 'silent' });

function syntheticRecords(total: number): InputRecord[] {
  const lines = Array.from(
    { length: total },
    (_, index) => `${index + 1} transfer account=${index % 97} qty=${index % 9}`,
  );
  return parseInputLog(lines.join('\n'));
}

async function applyAll(
  client: ZooKeeperClient,
  task: string,
  records: InputRecord[],
): Promise<{ elapsedMs: number; commits: number }> {
  const layout = taskLayout(values.root!, task);
  const runner = new TaskRunner(client, layout, records, { instanceId: 'bench', batchSize: batch, logger });
  let commits = 0;
  runner.on('committed', () => commits++);
  const caughtUp = once(runner, 'caughtUp');
  const started = performance.now();
  await runner.start();
  await caughtUp;
  const elapsedMs = performance.now() - started;
  await runner.close();
  // The invariant, checked on what ZooKeeper holds: every record once, in order.
  const { children } = await client.getChildren(layout.output);
  if (children.length !== records.length)
    throw new Error(`${children.length} output entries for ${records.length} records`);
  const sorted = children.sort();
  for (const index of [0, Math.floor(sorted.length / 2), sorted.length - 1]) {
    const entry = JSON.parse(
      (await client.getData(joinPath(layout.output, sorted[index]!))).data.toString('utf8'),
    ) as { offset: number };
    if (entry.offset !== index + 1) throw new Error(`output entry ${index} holds offset ${entry.offset}`);
  }
  return { elapsedMs, commits };
}

const client = await ZooKeeperClient.connect(values.connect, { logger: {} });
try {
  await applyAll(client, 'warmup', syntheticRecords(Number(values.warmup)));
  const { elapsedMs, commits } = await applyAll(client, 'timed', syntheticRecords(count));
  const result: ApplyRunResult = {
    batch,
    records: count,
    commits,
    elapsedMs,
    recordsPerSecond: (1000 * count) / elapsedMs,
    commitsPerSecond: (1000 * commits) / elapsedMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await client.close();
}
