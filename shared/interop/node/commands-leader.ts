import { LeaderLatch } from '../../src/recipes/leader/leader-latch.ts';
import { LeaderSelector } from '../../src/recipes/leader/leader-selector.ts';
import { isRecipeError } from '../../src/recipes/core/errors.ts';
import { sleep } from '../../src/recipes/core/deadline.ts';
import type { Lease } from '../../src/recipes/core/lease.ts';
import { guardedWrite } from './guarded-resource.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * LeaderLatch and LeaderSelector in a separate process, driven like Curator's (see
 * ../curator/LeaderCommands.java — same action names, same events, so tests and the failover
 * benchmark treat both alike). Timestamps are Date.now(), comparable with the JVM's
 * System.currentTimeMillis() on the same machine.
 *
 * Events:
 *   leader   {name, isLeader, at, path, token?, reason?}     a latch gained or lost leadership
 *   selector {name, phase: "start"|"end", at, path, token, interrupted?, endReason?, zxids?, outcomes?}
 *   term     {holder, token, zxids, outcomes, endReason, failure?, startedAt, endedAt}   (latchLeadLoop)
 *
 * Latch: latchCreate {client,name,path,id?,connectionPolicy?} latchStart latchClose {notifyLeader?}
 *   → {closingAt, closedAt}, latchHasLeadership, latchAwait {timeoutMs} → bool, latchParticipants,
 *   latchLeader, latchOurPath, and latchLeadLoop / latchStopLoop (below).
 * Selector: selectorCreate {client,name,path,id?,autoRequeue?,holdMs?,connectionPolicy?,
 *   resourcePath?,writeIntervalMs?} (holdMs < 0: hold until selectorRelease or the lease ends; with
 *   resourcePath the leader writes the guarded resource while it leads), selectorStart,
 *   selectorRequeue, selectorRelease, selectorInterrupt, selectorClose → {closingAt, closedAt},
 *   selectorHasLeadership, selectorParticipants, selectorLeader, selectorIntervals.
 */
export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  const name = String(args.name ?? '');
  switch (action) {
    case 'latchCreate': {
      const latch = new LeaderLatch(peer.client(args), String(args.path), {
        id: args.id === undefined ? '' : String(args.id),
        ...(args.connectionPolicy ? { connectionPolicy: args.connectionPolicy as 'suspended' | 'lost' } : {}),
      });
      latch.on('isLeader', (lease) =>
        peer.emit('leader', {
          name,
          isLeader: true,
          at: Date.now(),
          path: lease.path,
          token: lease.fencingToken,
        }),
      );
      latch.on('notLeader', (reason) =>
        peer.emit('leader', { name, isLeader: false, at: Date.now(), path: latch.ourPath, reason }),
      );
      peer.objects.set(name, latch);
      return true;
    }
    case 'latchStart':
      await peer.object<LeaderLatch>(name).start();
      return true;
    case 'latchClose': {
      const latch = peer.object<LeaderLatch>(name);
      const closingAt = Date.now();
      await latch.close({ notifyLeader: args.notifyLeader === true });
      peer.objects.delete(name);
      return { closingAt, closedAt: Date.now() };
    }
    case 'latchHasLeadership':
      return peer.object<LeaderLatch>(name).hasLeadership;
    case 'latchAwait':
      try {
        await peer
          .object<LeaderLatch>(name)
          .waitForLeadership({ timeoutMs: Number(args.timeoutMs ?? 10_000) });
        return true;
      } catch (error) {
        if (isRecipeError(error, 'TIMEOUT')) return false;
        throw error;
      }
    case 'latchParticipants':
      return (await peer.object<LeaderLatch>(name).participants()).map(({ id, isLeader }) => ({
        id,
        isLeader,
      }));
    case 'latchLeader': {
      const leader = await peer.object<LeaderLatch>(name).leader();
      return leader ? { id: leader.id, isLeader: leader.isLeader } : null;
    }
    case 'latchOurPath':
      return peer.object<LeaderLatch>(name).ourPath ?? null;
    case 'latchLeadLoop':
      return leadLoop(args, peer);
    case 'latchStopLoop':
      peer.object<AbortController>(`leadLoop:${String(args.holder)}`).abort();
      return true;

    case 'selectorCreate':
      peer.objects.set(name, new RecordingSelector(peer, name, args));
      return true;
    case 'selectorStart':
      peer.object<RecordingSelector>(name).selector.start();
      return true;
    case 'selectorRequeue':
      return peer.object<RecordingSelector>(name).selector.requeue();
    case 'selectorRelease':
      return peer.object<RecordingSelector>(name).release();
    case 'selectorInterrupt':
      peer.object<RecordingSelector>(name).selector.interruptLeadership();
      return true;
    case 'selectorClose': {
      const { selector } = peer.object<RecordingSelector>(name);
      const closingAt = Date.now();
      await selector.close();
      peer.objects.delete(name);
      return { closingAt, closedAt: Date.now() };
    }
    case 'selectorHasLeadership':
      return peer.object<RecordingSelector>(name).selector.hasLeadership;
    case 'selectorParticipants':
      return (await peer.object<RecordingSelector>(name).selector.participants()).map(({ id, isLeader }) => ({
        id,
        isLeader,
      }));
    case 'selectorLeader': {
      const leader = await peer.object<RecordingSelector>(name).selector.leader();
      return leader ? { id: leader.id, isLeader: leader.isLeader } : null;
    }
    case 'selectorIntervals':
      return peer.object<RecordingSelector>(name).intervals;
    default:
      throw new Error(`unknown leader action ${action}`);
  }
}

/**
 * latchLeadLoop {client, holder, path, resourcePath, durationMs, writesPerTerm, writeIntervalMs}:
 * a latch participant that, whenever it leads, writes the guarded resource with its fencing token
 * `writesPerTerm` times and then steps down (lease.release(): it rejoins at the back), so that
 * leadership keeps moving. Each term is reported as a "term" event; faults end terms early and the
 * loop carries on. It runs for `durationMs` or until latchStopLoop {holder}; returns the number of
 * terms; the latch is closed at the end.
 */
async function leadLoop(args: Args, peer: NodePeer): Promise<number> {
  const client = peer.client(args);
  const holder = String(args.holder);
  const latch = new LeaderLatch(client, String(args.path), { id: holder });
  const until = Date.now() + Number(args.durationMs);
  const stop = new AbortController();
  peer.objects.set(`leadLoop:${holder}`, stop);
  await latch.start();
  let terms = 0;
  try {
    while (Date.now() < until && !stop.signal.aborted) {
      let lease: Lease;
      try {
        lease = await latch.waitForLeadership({
          timeoutMs: Math.max(1, until - Date.now()),
          signal: stop.signal,
        });
      } catch (error) {
        if (isRecipeError(error, 'TIMEOUT', 'ABORTED')) break;
        throw error;
      }
      terms++;
      const startedAt = Date.now();
      const zxids: string[] = [];
      const outcomes: string[] = [];
      let failure: string | undefined;
      try {
        for (let write = 0; write < Number(args.writesPerTerm ?? 3); write++) {
          const result = await guardedWrite(
            client,
            String(args.resourcePath),
            lease.fencingToken,
            holder,
            lease.signal,
          );
          outcomes.push(result.outcome);
          if (result.outcome === 'ok') zxids.push(result.zxid.toString());
          await sleep(Number(args.writeIntervalMs ?? 10), lease.signal);
        }
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      peer.emit('term', {
        holder,
        token: lease.fencingToken.toString(),
        zxids,
        outcomes,
        endReason: lease.endReason ?? 'released',
        failure,
        startedAt,
        endedAt: Date.now(),
      });
      if (lease.isHeld) await lease.release();
    }
  } finally {
    await latch.close();
  }
  return terms;
}

/** A LeaderSelector whose callback reports each term, as LeaderCommands.RecordingListener does. */
class RecordingSelector {
  readonly selector: LeaderSelector;
  readonly intervals: [number, number][] = [];
  private releaseTerm: (() => void) | undefined;

  constructor(
    private readonly peer: NodePeer,
    private readonly name: string,
    private readonly args: Args,
  ) {
    const options = {
      ...(args.id === undefined ? {} : { id: String(args.id) }),
      autoRequeue: args.autoRequeue === true,
      ...(args.connectionPolicy ? { connectionPolicy: args.connectionPolicy as 'suspended' | 'lost' } : {}),
    };
    this.selector = new LeaderSelector(
      peer.client(args),
      String(args.path),
      (lease) => this.lead(lease),
      options,
    );
    this.selector.on('error', (error) =>
      peer.emit('selectorError', { name, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  release(): boolean {
    const release = this.releaseTerm;
    release?.();
    return release !== undefined;
  }

  private async lead(lease: Lease): Promise<void> {
    const startedAt = Date.now();
    const token = lease.fencingToken.toString();
    this.peer.emit('selector', { name: this.name, phase: 'start', at: startedAt, path: lease.path, token });
    const holdMs = Number(this.args.holdMs ?? -1);
    const released = new Promise<void>((resolve) => (this.releaseTerm = resolve));
    const ends = AbortSignal.any([lease.signal, ...(holdMs >= 0 ? [AbortSignal.timeout(holdMs)] : [])]);
    const zxids: string[] = [];
    const outcomes: string[] = [];
    let releasedByTest = false;
    void released.then(() => (releasedByTest = true));
    try {
      if (this.args.resourcePath) {
        const client = this.peer.client(this.args);
        while (!ends.aborted && !releasedByTest) {
          const result = await guardedWrite(
            client,
            String(this.args.resourcePath),
            lease.fencingToken,
            this.name,
            lease.signal,
          );
          outcomes.push(result.outcome);
          if (result.outcome === 'ok') zxids.push(result.zxid.toString());
          await sleep(Number(this.args.writeIntervalMs ?? 10), ends);
        }
      } else {
        await Promise.race([
          released,
          new Promise((resolve) => ends.addEventListener('abort', resolve, { once: true })),
        ]);
      }
    } catch {
      // the lease ended mid-write: the term is over
    } finally {
      this.releaseTerm = undefined;
      const endedAt = Date.now();
      this.intervals.push([startedAt, endedAt]);
      this.peer.emit('selector', {
        name: this.name,
        phase: 'end',
        at: endedAt,
        path: lease.path,
        token,
        interrupted: lease.signal.aborted,
        endReason: lease.endReason ?? 'released',
        zxids,
        outcomes,
      });
    }
  }
}
