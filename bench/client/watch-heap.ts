/**
 * Does the client let go of watches once they fire? Sets a data watch on each of `batch` nodes,
 * has a second session of the same client change them all, waits until every watch has fired, and
 * repeats until `watches` have fired, sampling the heap after forced GC along the way. Run with
 * --expose-gc. Each Node client runs it through its driver (drivers/), in its own process.
 *
 *   node --import tsx --expose-gc bench/client/watch-heap.ts native 127.0.0.1:2181 /bench/heap 100000 1000
 *
 * Each watcher closure holds about 1 KB of heap (not a Buffer, whose bytes live outside the heap),
 * so a client that kept fired watchers would grow by about 100 MB over 100,000 watches.
 */
import { performance } from 'node:perf_hooks';
import { isUnsupported, type ClientDriver } from './drivers/driver.ts';
import { connectDriver, isNodeContender, NODE_CONTENDERS } from './drivers/load-driver.ts';
import type { HeapSample, WatchHeapResult } from './protocol.ts';

const MB = 1024 * 1024;
const BATCH_TIMEOUT_MS = 60_000;
const SAMPLES = 4;

async function main(): Promise<void> {
  const [contender, connect, root, watchesText, batchText] = process.argv.slice(2);
  const watches = Number(watchesText);
  const batch = Number(batchText);
  if (
    !isNodeContender(contender) ||
    !connect ||
    !root ||
    !(watches > 0) ||
    !(batch > 0) ||
    watches % (batch * SAMPLES) !== 0
  ) {
    throw new Error(
      `usage: <${NODE_CONTENDERS.join('|')}> <connect> <path> <watches> <batch>, ` +
        `watches a multiple of ${SAMPLES} × batch`,
    );
  }
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc: heap samples are only comparable after a full GC');

  const watching = await connectDriver(contender, connect);
  const changing = await connectDriver(contender, connect);
  try {
    await changing.create(root, Buffer.from('initial'));
    const paths = Array.from({ length: batch }, (_, index) => `${root}/node-${index}`);
    await Promise.all(paths.map((path) => changing.create(path, Buffer.from('initial'))));
    await watching.catchUp(root);

    // One untimed batch first, so compiled code and warmed caches do not count as growth.
    await fireBatch(watching, changing, paths);
    const samples = [await sample(gc, 0)];
    const start = performance.now();
    for (let fired = batch; fired <= watches; fired += batch) {
      await fireBatch(watching, changing, paths);
      if (fired % (watches / SAMPLES) === 0) samples.push(await sample(gc, fired));
    }
    const { registeredWatches } = watching;
    const result: WatchHeapResult = {
      contender,
      clientVersion: watching.clientVersion,
      watches,
      batch,
      samples,
      watchCount: isUnsupported(registeredWatches) ? null : registeredWatches(),
      elapsedMs: performance.now() - start,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all([watching.close(), changing.close()]);
  }
}

/** Watches every path, changes every path from the other session, waits for every watch to fire. */
async function fireBatch(
  watching: ClientDriver,
  changing: ClientDriver,
  paths: readonly string[],
): Promise<void> {
  let fire!: () => void;
  let fail!: (error: Error) => void;
  const allFired = new Promise<void>((resolve, reject) => {
    fire = resolve;
    fail = reject;
  });
  // Failures are awaited below; until then this keeps an early one from counting as unhandled.
  allFired.catch(() => undefined);
  let pending = paths.length;
  const onFired = (type: string, ballast: number[]): void => {
    if (type !== 'dataChanged' || ballast.length === 0) {
      fail(new Error(`unexpected watch event ${type}`));
      return;
    }
    if (--pending === 0) fire();
  };
  await Promise.all(
    paths.map((path, index) => {
      const ballast = new Array<number>(128).fill(index);
      return watching.watchData(path, (type) => onFired(type, ballast));
    }),
  );
  await Promise.all(paths.map((path) => changing.setData(path, Buffer.from('changed'))));
  const timer = setTimeout(
    () => fail(new Error(`${pending} of ${paths.length} watches unfired after ${BATCH_TIMEOUT_MS} ms`)),
    BATCH_TIMEOUT_MS,
  );
  try {
    await allFired;
  } finally {
    clearTimeout(timer);
  }
}

async function sample(gc: () => void, fired: number): Promise<HeapSample> {
  // Several passes with a turn of the event loop between: finalizers and weak callbacks run late.
  for (let pass = 0; pass < 3; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const memory = process.memoryUsage();
  return { fired, heapUsedMb: memory.heapUsed / MB, rssMb: memory.rss / MB };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `watch-heap: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
