import { DistributedAtomicLong } from '../../src/recipes/counter/distributed-atomic-long.ts';
import { SharedCount } from '../../src/recipes/counter/shared-count.ts';
import { isRecipeError } from '../../src/recipes/core/errors.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * incrementLoop {client, path, kind: "sharedCount" | "atomicLong", durationMs, callTimeoutMs?, label?}:
 * increments by one, one call after another, until `durationMs` has passed or `counter.stop {label}`
 * is called (from another actor), and accounts for every call honestly:
 * - confirmed: the increment was applied (the call returned)
 * - unknown:   UNKNOWN_OUTCOME — its reply was lost and it may or may not have been applied
 * - failed:    the call gave up before anything was written (TIMEOUT) or failed otherwise
 * The safety test checks that the counter ends within [confirmed, confirmed + unknown].
 */
const stopped = new Set<string>();

export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  if (action === 'stop') {
    stopped.add(String(args.label));
    return true;
  }
  const client = peer.client(args);
  switch (action) {
    case 'incrementLoop': {
      const path = String(args.path);
      const callTimeoutMs = Number(args.callTimeoutMs ?? 5000);
      let increment: () => Promise<unknown>;
      let close = async (): Promise<void> => {};
      if (args.kind === 'sharedCount') {
        const count = new SharedCount(client, path, 0);
        await count.start({ timeoutMs: 10_000 });
        increment = () => count.increment(1, { timeoutMs: callTimeoutMs });
        close = () => count.close();
      } else {
        const counter = new DistributedAtomicLong(client, path, { retry: { maxAttempts: Infinity } });
        increment = async () => {
          const result = await counter.increment({ timeoutMs: callTimeoutMs });
          if (!result.succeeded) throw new Error('increment did not succeed');
        };
      }
      const tally = { confirmed: 0, unknown: 0, failed: 0, errors: [] as string[] };
      const until = Date.now() + Number(args.durationMs);
      const label = args.label === undefined ? undefined : String(args.label);
      while (Date.now() < until && !(label !== undefined && stopped.has(label))) {
        try {
          await increment();
          tally.confirmed++;
        } catch (error) {
          if (isRecipeError(error, 'UNKNOWN_OUTCOME')) tally.unknown++;
          else {
            tally.failed++;
            if (tally.errors.length < 5)
              tally.errors.push(error instanceof Error ? error.message : String(error));
          }
        }
      }
      await close();
      return tally;
    }
    default:
      throw new Error(`unknown counter action ${action}`);
  }
}
