import { RangeIdGenerator } from '../../src/recipes/naming/range-id-generator.ts';
import { SequentialIdGenerator } from '../../src/recipes/naming/sequential-id-generator.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * ID generation loops, for the safety tests (collect every ID, check none repeats) and the benchmark
 * (IDs per second; the Curator counterpart is shared/interop/curator/NamingCommands.java).
 *
 *   naming.sequentialLoop {client, path, count? | durationMs?, concurrency?, collect?, callTimeoutMs?, label?}
 *   naming.rangeLoop      {client, path, rangeSize?, count? | durationMs?, concurrency?, collect?, callTimeoutMs?, label?}
 *   naming.stop           {label}   (from another actor: ends the loops started with this label)
 *
 * `concurrency` callers share one generator (default 1). The loop ends after `count` IDs in total,
 * when `durationMs` has passed, or when stopped. Returns { count, elapsedMs, failed, ids? (strings, when collect),
 * errors (first few), stats (range generator) }. A call that fails (e.g. its deadline passed during
 * a fault) is counted in `failed` and the loop carries on.
 */
const stopped = new Set<string>();

export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  if (action === 'stop') {
    stopped.add(String(args.label));
    return true;
  }
  const client = peer.client(args);
  const path = String(args.path);
  const callTimeoutMs = Number(args.callTimeoutMs ?? 10_000);
  switch (action) {
    case 'sequentialLoop': {
      const generator = new SequentialIdGenerator(client, path);
      const result = await loop(args, () => generator.nextId({ timeoutMs: callTimeoutMs }));
      await generator.close();
      return result;
    }
    case 'rangeLoop': {
      const generator = new RangeIdGenerator(client, path, { rangeSize: Number(args.rangeSize ?? 1000) });
      const result = await loop(args, () => generator.nextId({ timeoutMs: callTimeoutMs }));
      generator.close();
      return { ...result, stats: generator.stats };
    }
    default:
      throw new Error(`unknown naming action ${action}`);
  }
}

async function loop(
  args: Args,
  nextId: () => Promise<number | bigint>,
): Promise<{ count: number; elapsedMs: number; failed: number; ids?: string[]; errors: string[] }> {
  const total = args.count === undefined ? Infinity : Number(args.count);
  const until = args.durationMs === undefined ? Infinity : Date.now() + Number(args.durationMs);
  const collect = args.collect === true;
  const label = args.label === undefined ? undefined : String(args.label);
  const ids: string[] = [];
  const errors: string[] = [];
  let started = 0;
  let count = 0;
  let failed = 0;
  const begin = performance.now();
  const caller = async (): Promise<void> => {
    while (started < total && Date.now() < until && !(label !== undefined && stopped.has(label))) {
      started++;
      try {
        const id = await nextId();
        count++;
        if (collect) ids.push(String(id));
      } catch (error) {
        failed++;
        started--;
        if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(args.concurrency ?? 1)) }, caller));
  const elapsedMs = performance.now() - begin;
  return { count, elapsedMs, failed, ...(collect ? { ids } : {}), errors };
}
