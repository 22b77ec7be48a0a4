/**
 * One run of the naming benchmark's TypeScript side, in a fresh process (bench/suites/naming.ts
 * starts it with the source condition, since it uses the pattern's package): the naming service's
 * IdService with a sequential type and a range type, each warmed up untimed and then timed
 *
 * - one caller after another (the next ID asked for once the last one arrived), and
 * - `concurrency` callers at once, as a busy service's requests are.
 *
 * Prints one JSON line (IdRateRunResult).
 */
import { parseArgs } from 'node:util';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { IdService, IdTypes, namingLayout } from '@zk-cookbook/example-naming';

export interface IdLoop {
  count: number;
  elapsedMs: number;
}

export interface IdRateRunResult {
  sequential: IdLoop;
  range: IdLoop;
  sequentialConcurrent: IdLoop;
  rangeConcurrent: IdLoop;
  concurrency: number;
  rangeSize: number;
  rangesReserved: number;
  rangesWasted: number;
}

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    root: { type: 'string' },
    sequential: { type: 'string', default: '2000' },
    range: { type: 'string', default: '1000000' },
    'sequential-warmup': { type: 'string', default: '200' },
    'range-warmup': { type: 'string', default: '100000' },
    'range-size': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const connect = required(values.connect, '--connect');
const layout = namingLayout(required(values.root, '--root'));
const rangeSize = Number(values['range-size']);
const concurrency = Number(values.concurrency);
const CALL_TIMEOUT_MS = 10_000;

const client = await ZooKeeperClient.connect(connect, { logger: {}, sessionTimeoutMs: 10_000 });
const types = new IdTypes(client, layout);
await types.define('job', { generator: 'sequential' });
await types.define('invoice', { generator: 'range', rangeSize });
const ids = new IdService(client, layout, types);

/** `count` IDs of `type` from `callers` callers, each asking for the next once its last arrived. */
async function timed(type: string, count: number, callers: number): Promise<IdLoop> {
  let remaining = count;
  const caller = async (): Promise<void> => {
    while (remaining > 0) {
      remaining--;
      await ids.take(type, 1, { timeoutMs: CALL_TIMEOUT_MS });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  return { count, elapsedMs: performance.now() - started };
}

await timed('job', Number(values['sequential-warmup']), 1);
await timed('invoice', Number(values['range-warmup']), 1);
const sequential = await timed('job', Number(values.sequential), 1);
const range = await timed('invoice', Number(values.range), 1);
const sequentialConcurrent = await timed('job', Number(values.sequential), concurrency);
const rangeConcurrent = await timed('invoice', Number(values.range), concurrency);
const rangeStats = ids.stats().find((stats) => stats.type === 'invoice');
await ids.close();
await client.close();

const result: IdRateRunResult = {
  sequential,
  range,
  sequentialConcurrent,
  rangeConcurrent,
  concurrency,
  rangeSize,
  rangesReserved: rangeStats?.rangesReserved ?? 0,
  rangesWasted: rangeStats?.rangesWasted ?? 0,
};
console.log(JSON.stringify(result));

function required(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required`);
  return value;
}
