/**
 * One takeover run of the coordination benchmark: two worker processes (the pattern's
 * src/worker-main.ts) on a fresh task; once the RUNNING one has committed 50 of the shipped log's 600 records it is killed
 * (SIGKILL: kill -9) or stopped gracefully (SIGTERM), and the clock runs until the standby says
 * RUNNING (GET /status) and until the checkpoint shows its first commit, both polled every 5 ms. The output is checked afterwards: every record once, in order.
 *
 * Prints one JSON line (TakeoverRunResult).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ZooKeeperClient, joinPath } from '@zk-cookbook/core/client';
import {
  DEFAULT_INPUT_LOG,
  readCheckpoint,
  readInputLog,
  taskLayout,
  type WorkerStatus,
} from '@zk-cookbook/example-coordination';

export interface TakeoverRunResult {
  mode: 'kill' | 'term';
  sessionTimeoutMs: number;
  /** from the signal to the standby reporting RUNNING */
  runningAfterMs: number;
  /** from the signal to the first checkpoint commit under the standby's token */
  firstCommitAfterMs: number;
  records: number;
}

const PATTERN = fileURLToPath(new URL('../../examples/coordination/', import.meta.url));
const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    root: { type: 'string' },
    mode: { type: 'string' },
    'session-timeout-ms': { type: 'string', default: '4000' },
  },
});
if (!values.connect || !values.root || (values.mode !== 'kill' && values.mode !== 'term'))
  throw new Error('--connect, --root and --mode kill|term are required');
const mode = values.mode;
const sessionTimeoutMs = Number(values['session-timeout-ms']);
const records = (await readInputLog(DEFAULT_INPUT_LOG)).length;
const layout = taskLayout(values.root, 'takeover');
const children: ChildProcess[] = [];
// The bench kills a run that outlives its timeout: take the workers along.
process.once('SIGTERM', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});

function deadline<T>(what: string, ms: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  return (async () => {
    for (;;) {
      const value = await attempt().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
      await sleep(5);
    }
  })();
}

async function startWorker(
  instanceId: string,
): Promise<{ child: ChildProcess; status: () => Promise<WorkerStatus> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/worker-main.ts', '--port', '0'],
    {
      cwd: PATTERN,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        ZK_CONNECT: values.connect,
        COORDINATION_ROOT: values.root,
        TASK: 'takeover',
        INSTANCE_ID: instanceId,
        SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
        // Paced, so that the kill lands mid-log and the successor has records left.
        RECORDS_PER_SECOND: '200',
      },
      // Not our stderr: a worker left running would hold the bench's pipe open.
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const url = await deadline(
    'worker listening',
    60_000,
    async () => /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"worker listening"/.exec(text)?.[1],
  );
  return {
    child,
    status: async () =>
      (await (await fetch(`${url}/status`, { signal: AbortSignal.timeout(1_000) })).json()) as WorkerStatus,
  };
}

const client = await ZooKeeperClient.connect(values.connect, { logger: {} });
try {
  const first = await startWorker('worker-a');
  await deadline('first RUNNING', 30_000, async () =>
    (await first.status()).role === 'RUNNING' ? true : undefined,
  );
  const second = await startWorker('worker-b');
  await deadline('second STANDBY', 30_000, async () =>
    (await second.status()).role === 'STANDBY' ? true : undefined,
  );
  await deadline('50 records applied', 30_000, async () =>
    (await readCheckpoint(client, layout)).checkpoint.offset >= 50 ? true : undefined,
  );
  const before = (await readCheckpoint(client, layout)).checkpoint.token;
  const signalledAt = performance.now();
  first.child.kill(mode === 'kill' ? 'SIGKILL' : 'SIGTERM');
  const [runningAt, firstCommitAt] = await Promise.all([
    deadline('standby RUNNING', 60_000, async () =>
      (await second.status()).role === 'RUNNING' ? performance.now() : undefined,
    ),
    deadline('first commit of the successor', 60_000, async () => {
      const { data } = await client.getData(layout.checkpoint);
      return (JSON.parse(data.toString('utf8')) as { token: string }).token !== before
        ? performance.now()
        : undefined;
    }),
  ]);
  if (first.child.exitCode === null && first.child.signalCode === null) await once(first.child, 'exit');
  // Let the successor finish and check the invariant on the whole output.
  await deadline('all records applied', 120_000, async () =>
    (await readCheckpoint(client, layout)).checkpoint.offset >= records ? true : undefined,
  );
  const { children: entries } = await client.getChildren(layout.output);
  if (entries.length !== records) throw new Error(`${entries.length} output entries for ${records} records`);
  const offsets = await Promise.all(
    entries.sort().map(
      async (name) =>
        (
          JSON.parse((await client.getData(joinPath(layout.output, name))).data.toString('utf8')) as {
            offset: number;
          }
        ).offset,
    ),
  );
  offsets.forEach((offset, index) => {
    if (offset !== index + 1) throw new Error(`output entry ${index} holds offset ${offset}`);
  });
  const result: TakeoverRunResult = {
    mode,
    sessionTimeoutMs,
    runningAfterMs: runningAt - signalledAt,
    firstCommitAfterMs: firstCommitAt - signalledAt,
    records,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await client.close();
}
