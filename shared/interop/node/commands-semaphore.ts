import { Semaphore } from '../../src/recipes/locks/semaphore.ts';
import { isRecipeError } from '../../src/recipes/core/errors.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * holdLoop: acquire a lease, write the activity node `writesPerHold` times, release — repeatedly until
 * `durationMs` has passed. Each hold is reported as a "hold" event with its fencing token, the zxids
 * of its writes (which place the hold in ZooKeeper's total order) and how it ended; faults (lost
 * leases, connection loss) end a hold early and the loop carries on.
 */
export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  const client = peer.client(args);
  switch (action) {
    case 'holdLoop': {
      const holder = String(args.holder);
      const semaphore = new Semaphore(client, String(args.path), Number(args.maxLeases), { id: holder });
      const activityPath = String(args.activityPath);
      const until = Date.now() + Number(args.durationMs);
      let holds = 0;
      while (Date.now() < until) {
        let lease;
        try {
          lease = await semaphore.acquire({ timeoutMs: Math.max(1, until - Date.now()) });
        } catch (error) {
          if (isRecipeError(error, 'TIMEOUT')) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        holds++;
        const zxids: string[] = [];
        let failure: string | undefined;
        try {
          for (let write = 0; write < Number(args.writesPerHold ?? 3); write++) {
            const stat = await client.setData(activityPath, holder, { signal: lease.signal });
            zxids.push(stat.mzxid.toString());
            await new Promise((resolve) => setTimeout(resolve, Number(args.holdMs ?? 10)));
          }
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        peer.emit('hold', {
          holder,
          token: lease.fencingToken.toString(),
          zxids,
          endReason: lease.endReason ?? 'released',
          failure,
        });
        if (lease.isHeld) await lease.release().catch(() => {});
      }
      return holds;
    }
    default:
      throw new Error(`unknown semaphore action ${action}`);
  }
}
