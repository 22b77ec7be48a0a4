import { ReadWriteLock, type LockKind } from '../../src/recipes/locks/read-write-lock.ts';
import { isRecipeError } from '../../src/recipes/core/errors.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * holdLoop: take the read or write lock (cycling through `kinds`), write the activity node
 * `writesPerHold` times, release — repeatedly until `durationMs` has passed. Each hold is reported as
 * a "hold" event with its kind, the zxids of its writes (which place the hold in ZooKeeper's total
 * order) and how it ended; faults end a hold early and the loop carries on. "stop" ends the loops
 * on a path early.
 */
/** One stop switch per lock path: "stop" ends every holdLoop on that path (a hold in progress finishes). */
const stops = new Map<string, AbortController>();

function stopSwitch(path: string): AbortController {
  let controller = stops.get(path);
  if (!controller) stops.set(path, (controller = new AbortController()));
  return controller;
}

export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  switch (action) {
    case 'holdLoop': {
      const client = peer.client(args);
      const holder = String(args.holder);
      const lock = new ReadWriteLock(client, String(args.path), { id: holder });
      const kinds = (args.kinds as LockKind[] | undefined) ?? ['write'];
      const activityPath = String(args.activityPath);
      const until = Date.now() + Number(args.durationMs);
      const stop = stopSwitch(String(args.path)).signal;
      let holds = 0;
      while (Date.now() < until && !stop.aborted) {
        const kind = kinds[holds % kinds.length]!;
        let lease;
        try {
          lease = await lock[kind === 'read' ? 'readLock' : 'writeLock'].acquire({
            timeoutMs: Math.max(1, until - Date.now()),
            signal: stop,
          });
        } catch (error) {
          if (isRecipeError(error, 'TIMEOUT', 'ABORTED')) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        holds++;
        const zxids: string[] = [];
        let failure: string | undefined;
        try {
          for (let write = 0; write < Number(args.writesPerHold ?? 3); write++) {
            const stat = await client.setData(activityPath, `${kind} ${holder}`, { signal: lease.signal });
            zxids.push(stat.mzxid.toString());
            await new Promise((resolve) => setTimeout(resolve, Number(args.holdMs ?? 10)));
          }
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        peer.emit('hold', { holder, kind, zxids, endReason: lease.endReason ?? 'released', failure });
        if (lease.isHeld) await lease.release().catch(() => {});
      }
      return holds;
    }
    case 'stop':
      stopSwitch(String(args.path)).abort();
      return true;
    default:
      throw new Error(`unknown rwlock action ${action}`);
  }
}
