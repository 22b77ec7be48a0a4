import { Mutex } from '../../src/recipes/locks/mutex.ts';
import { isRecipeError } from '../../src/recipes/core/errors.ts';
import { guardedWrite } from './guarded-resource.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * holdLoop: acquire, write the guarded resource `writesPerHold` times, release — repeatedly until
 * `durationMs` has passed. Each hold is reported as a "hold" event with its fencing token, the zxids of
 * its accepted writes and how it ended; faults (lost leases, connection loss) end a hold early and
 * the loop carries on.
 *
 * For the lock benchmark (bench/suites/recipes.ts), like shared/interop/curator/MutexCommands.java:
 *   cycles   {client, path, count}: one Mutex acquired and released `count` times, nobody else
 *            contending; returns the elapsed ms
 *   handoffs {client (any of them), clients: [names], path, warmupMs, durationMs}: see handoffs()
 */
const stopping = new Map<string, AbortController>();

export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  const client = peer.client(args);
  switch (action) {
    case 'holdLoop': {
      const mutex = new Mutex(client, String(args.path), { id: String(args.holder) });
      const until = Date.now() + Number(args.durationMs);
      // Every loop on one path in this process shares one stop switch.
      let controller = stopping.get(String(args.path));
      if (!controller || controller.signal.aborted)
        stopping.set(String(args.path), (controller = new AbortController()));
      const stop = controller.signal;
      let holds = 0;
      while (Date.now() < until && !stop.aborted) {
        let lease;
        try {
          lease = await mutex.acquire({ timeoutMs: Math.max(1, until - Date.now()), signal: stop });
        } catch (error) {
          if (isRecipeError(error, 'TIMEOUT', 'ABORTED')) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        holds++;
        const zxids: string[] = [];
        const outcomes: string[] = [];
        let failure: string | undefined;
        try {
          for (let write = 0; write < Number(args.writesPerHold ?? 2); write++) {
            const result = await guardedWrite(
              client,
              String(args.resourcePath),
              lease.fencingToken,
              String(args.holder),
              lease.signal,
            );
            outcomes.push(result.outcome);
            if (result.outcome === 'ok') zxids.push(result.zxid.toString());
            await new Promise((resolve) => setTimeout(resolve, Number(args.holdMs ?? 10)));
          }
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        const endReason = lease.endReason ?? 'released';
        peer.emit('hold', {
          holder: args.holder,
          token: lease.fencingToken.toString(),
          zxids,
          outcomes,
          endReason,
          failure,
        });
        if (lease.isHeld) await lease.release().catch(() => {});
      }
      return holds;
    }
    case 'stop':
      // Ends the hold loops on `path` of this process after their current hold.
      stopping.get(String(args.path))?.abort();
      return true;
    case 'cycles': {
      const mutex = new Mutex(client, String(args.path));
      const count = Number(args.count);
      const started = performance.now();
      for (let cycle = 0; cycle < count; cycle++) {
        const lease = await mutex.acquire();
        await lease.release();
      }
      return performance.now() - started;
    }
    case 'handoffs':
      return handoffs(peer, args);
    default:
      throw new Error(`unknown mutex action ${action}`);
  }
}

/**
 * Benchmark: one Mutex per client (each its own session) on `path`, every one acquiring and
 * releasing in a loop. Counts the acquisitions that complete within the window of durationMs that
 * follows warmupMs, and among them the hand-offs (an acquisition by another contender than the
 * previous holder). Returns {handoffs, acquisitions, windowMs, totalAcquisitions}.
 */
async function handoffs(peer: NodePeer, args: Args): Promise<Record<string, number>> {
  const names = (args.clients as unknown[]).map(String);
  const path = String(args.path);
  const windowStart = performance.now() + Number(args.warmupMs);
  const windowEnd = windowStart + Number(args.durationMs);
  const tally = { handoffs: 0, acquisitions: 0, totalAcquisitions: 0, lastHolder: -1 };
  let stop = false;
  const timer = setTimeout(() => (stop = true), windowEnd - performance.now());
  const contend = async (contender: number): Promise<void> => {
    const mutex = new Mutex(peer.client({ client: names[contender] }), path, { id: names[contender] });
    while (!stop) {
      const lease = await mutex.acquire();
      const now = performance.now();
      tally.totalAcquisitions++;
      if (now >= windowStart && now < windowEnd) {
        tally.acquisitions++;
        if (contender !== tally.lastHolder) tally.handoffs++;
      }
      tally.lastHolder = contender;
      await lease.release();
    }
  };
  const outcomes = await Promise.allSettled(
    names.map((_, contender) =>
      contend(contender).catch((error: unknown) => {
        stop = true;
        throw error;
      }),
    ),
  );
  clearTimeout(timer);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw new Error(`a contender failed: ${String(failure.reason)}`);
  return {
    handoffs: tally.handoffs,
    acquisitions: tally.acquisitions,
    windowMs: Number(args.durationMs),
    totalAcquisitions: tally.totalAcquisitions,
  };
}
