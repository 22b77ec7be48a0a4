import { Mutex } from '../../src/recipes/locks/mutex.ts';
import { isRecipeError } from '../../src/recipes/core/errors.ts';
import { guardedWrite } from './guarded-resource.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * holdLoop: acquire, write the guarded resource `writesPerHold` times, release — repeatedly until
 * `durationMs` has passed. Each hold is reported as a "hold" event with its fencing token, the zxids of
 * its accepted writes and how it ended; faults (lost leases, connection loss) end a hold early and
 * the loop carries on.
 */
export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  const client = peer.client(args);
  switch (action) {
    case 'holdLoop': {
      const mutex = new Mutex(client, String(args.path), { id: String(args.holder) });
      const until = Date.now() + Number(args.durationMs);
      let holds = 0;
      while (Date.now() < until) {
        let lease;
        try {
          lease = await mutex.acquire({ timeoutMs: Math.max(1, until - Date.now()) });
        } catch (error) {
          if (isRecipeError(error, 'TIMEOUT')) break;
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
    default:
      throw new Error(`unknown mutex action ${action}`);
  }
}
