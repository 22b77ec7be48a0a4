import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { sleep } from '../core/deadline.ts';
import type { Lease } from '../core/lease.ts';
import { localAddress } from '../core/local-address.ts';
import { LeaderSelector, type LeaderSelectorOptions } from './leader-selector.ts';

const zk = useZooKeeper('leader-selector');

/**
 * A selector whose callback records its lease and holds leadership until the test ends the term
 * (`finish()`), the lease's signal aborts, or the callback is told to fail.
 */
function heldSelector(client: ZooKeeperClient, path: string, options: LeaderSelectorOptions = {}) {
  const terms: Lease[] = [];
  const errors: unknown[] = [];
  let finishTerm: (() => void) | undefined;
  let failNext: Error | undefined;
  const selector = new LeaderSelector(
    client,
    path,
    async (lease) => {
      terms.push(lease);
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      await new Promise<void>((resolve) => {
        finishTerm = resolve;
        lease.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
    options,
  );
  selector.on('error', (error) => errors.push(error));
  return {
    selector,
    terms,
    errors,
    finish: () => finishTerm?.(),
    failNextTerm: (error: Error) => (failNext = error),
  };
}

describe('LeaderSelector', () => {
  it('leads while the callback runs, on a Curator mutex node; the node goes when the callback returns', async () => {
    const client = await zk.connect();
    const { selector, terms, finish } = heldSelector(client, '/select/basic', { id: 'sel-a' });
    selector.start();
    await eventually(() => expect(terms).toHaveLength(1));
    const lease = terms[0]!;
    expect(selector.hasLeadership).toBe(true);
    expect(selector.leadership).toBe(lease);
    expect(lease.path).toMatch(/^\/select\/basic\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
    const { data, stat } = await client.getData(lease.path);
    expect(data.toString()).toBe('sel-a');
    expect(lease.fencingToken).toBe(stat.czxid);
    expect(lease.sessionId).toBe(client.sessionId);
    expect(await selector.participants()).toEqual([{ id: 'sel-a', isLeader: true, path: lease.path }]);
    finish();
    await eventually(async () => expect(await client.exists(lease.path)).toBeNull());
    expect(lease.endReason).toBe('released');
    expect(selector.hasLeadership).toBe(false);
    await eventually(() => expect(selector.isQueued).toBe(false));
    expect(terms).toHaveLength(1);
    await selector.close();
  });

  it('writes the host address when no id is given, as Curator', async () => {
    const client = await zk.connect();
    const { selector, terms, finish } = heldSelector(client, '/select/anonymous');
    selector.start();
    await eventually(() => expect(terms).toHaveLength(1));
    expect((await selector.leader())?.id).toBe(localAddress());
    finish();
    await selector.close();
  });

  it('one leader at a time, in line order, with growing fencing tokens; requeue() joins again', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => zk.connect()));
    const participants = clients.map((client, index) =>
      heldSelector(client, '/select/order', { id: `s${index}` }),
    );
    for (const [index, participant] of participants.entries()) {
      participant.selector.start();
      await eventually(async () => expect(await participant.selector.participants()).toHaveLength(index + 1));
    }
    const tokens: bigint[] = [];
    for (const index of [0, 1, 2]) {
      await eventually(() => expect(participants[index]!.terms).toHaveLength(1));
      expect(participants.filter(({ selector }) => selector.hasLeadership)).toHaveLength(1);
      tokens.push(participants[index]!.terms[0]!.fencingToken);
      if (index === 0) expect(participants[0]!.selector.requeue()).toBe(false); // leading already
      participants[index]!.finish();
    }
    expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
    // Without autoRequeue a participant is out of line after its term, until requeue().
    await eventually(() => expect(participants[0]!.selector.isQueued).toBe(false));
    expect(participants[0]!.selector.requeue()).toBe(true);
    expect(participants[0]!.selector.requeue()).toBe(false);
    await eventually(() => expect(participants[0]!.terms).toHaveLength(2));
    expect(participants[0]!.terms[1]!.fencingToken).toBeGreaterThan(tokens[2]!);
    await Promise.all(participants.map(({ selector }) => selector.close()));
  });

  it('with autoRequeue, participants take turns and terms never overlap', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => zk.connect()));
    let inside = 0;
    let maxInside = 0;
    const turns: string[] = [];
    const selectors = clients.map(
      (client, index) =>
        new LeaderSelector(
          client,
          '/select/rotate',
          async (lease) => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            turns.push(`r${index}`);
            await client.setData('/select/rotate', String(lease.fencingToken), { signal: lease.signal });
            await sleep(10, lease.signal).catch(() => {});
            inside--;
          },
          { id: `r${index}`, autoRequeue: true },
        ),
    );
    for (const selector of selectors) selector.start();
    await eventually(() => expect(turns.length).toBeGreaterThanOrEqual(15), { timeoutMs: 20_000 });
    await Promise.all(selectors.map((selector) => selector.close()));
    expect(maxInside).toBe(1);
    for (const index of [0, 1, 2])
      expect(turns.filter((turn) => turn === `r${index}`).length).toBeGreaterThan(2);
    await eventually(async () => expect(await selectors[0]!.participants()).toEqual([]));
  });

  it('a callback that throws releases the node, reports the error, and with autoRequeue runs again', async () => {
    const client = await zk.connect();
    const { selector, terms, errors, finish, failNextTerm } = heldSelector(client, '/select/throws', {
      autoRequeue: true,
    });
    failNextTerm(new Error('boom'));
    selector.start();
    await eventually(() => expect(terms).toHaveLength(2));
    expect(errors).toEqual([new Error('boom')]);
    expect(terms[0]!.endReason).toBe('released');
    expect(await client.exists(terms[0]!.path)).toBeNull();
    expect(terms[1]!.isHeld).toBe(true);
    expect(terms[1]!.fencingToken).toBeGreaterThan(terms[0]!.fencingToken);
    finish();
    await selector.close();
  });

  it('a callback that throws without autoRequeue leaves the line', async () => {
    const client = await zk.connect();
    const { selector, terms, errors, failNextTerm } = heldSelector(client, '/select/throws-once');
    failNextTerm(new Error('once'));
    selector.start();
    await eventually(() => expect(selector.isQueued).toBe(false));
    expect(terms).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(await selector.participants()).toEqual([]);
    await selector.close();
  });

  it('interruptLeadership() aborts the callback’s signal and hands over', async () => {
    const a = heldSelector(await zk.connect(), '/select/interrupt', { id: 'a' });
    const b = heldSelector(await zk.connect(), '/select/interrupt', { id: 'b' });
    a.selector.start();
    await eventually(() => expect(a.terms).toHaveLength(1));
    b.selector.start();
    await eventually(async () => expect(await b.selector.participants()).toHaveLength(2));
    a.selector.interruptLeadership();
    expect(a.terms[0]!.signal.aborted).toBe(true);
    expect(a.selector.hasLeadership).toBe(false);
    await eventually(() => expect(b.terms).toHaveLength(1));
    expect(a.errors).toEqual([]);
    b.finish();
    await Promise.all([a.selector.close(), b.selector.close()]);
  });

  it('a dropped connection ends the term at once and releases the node; autoRequeue re-enters', async () => {
    const client = await zk.connect();
    const other = heldSelector(await zk.connect(), '/select/suspend', { id: 'other' });
    const { selector, terms } = heldSelector(client, '/select/suspend', { id: 'mine', autoRequeue: true });
    selector.start();
    await eventually(() => expect(terms).toHaveLength(1));
    other.selector.start();
    await eventually(async () => expect(await selector.participants()).toHaveLength(2));
    let stateAtAbort: string | undefined;
    terms[0]!.signal.addEventListener('abort', () => (stateAtAbort = client.state));
    client.dropConnection();
    await eventually(() => expect(other.terms).toHaveLength(1));
    expect(stateAtAbort).toBe('suspended');
    expect(terms[0]!.endReason).toBe('suspended');
    expect(terms[0]!.signal.reason).toMatchObject({ code: 'LOST' });
    // Back in line behind the new leader.
    await eventually(async () =>
      expect((await selector.participants()).map((participant) => participant.id)).toEqual(['other', 'mine']),
    );
    other.finish();
    await eventually(() => expect(terms).toHaveLength(2));
    expect(terms[1]!.fencingToken).toBeGreaterThan(other.terms[0]!.fencingToken);
    await Promise.all([selector.close(), other.selector.close()]);
  });

  it('with connectionPolicy "lost", a term survives a dropped connection', async () => {
    const client = await zk.connect();
    const { selector, terms, finish } = heldSelector(client, '/select/lenient', { connectionPolicy: 'lost' });
    selector.start();
    await eventually(() => expect(terms).toHaveLength(1));
    const states = new StateRecorder(client);
    client.dropConnection();
    await states.waitFor('reconnected');
    expect(terms[0]!.isHeld).toBe(true);
    expect(await client.exists(terms[0]!.path)).not.toBeNull();
    finish();
    await selector.close();
  });

  it('session expiry aborts the callback’s signal and the next participant leads', async () => {
    const expiring = await zk.connect();
    const a = heldSelector(expiring, '/select/expiry', { id: 'a', autoRequeue: true });
    const b = heldSelector(await zk.connect(), '/select/expiry', { id: 'b' });
    a.selector.start();
    await eventually(() => expect(a.terms).toHaveLength(1));
    b.selector.start();
    await eventually(async () => expect(await b.selector.participants()).toHaveLength(2));
    await expireSession(zk.ensembleConnectString, {
      sessionId: expiring.sessionId,
      sessionPassword: expiring.sessionPassword,
    });
    await eventually(() => expect(b.terms).toHaveLength(1), { timeoutMs: 15_000 });
    // The expired client may hear of it a moment after the successor does (see the latch test).
    await eventually(() => expect(a.terms[0]!.signal.aborted).toBe(true));
    expect(['suspended', 'lost']).toContain(a.terms[0]!.endReason);
    expect(b.terms[0]!.fencingToken).toBeGreaterThan(a.terms[0]!.fencingToken);
    // autoRequeue: back in line with its new session.
    await eventually(async () =>
      expect((await b.selector.participants()).map((participant) => participant.id)).toEqual(['b', 'a']),
    );
    b.finish();
    await eventually(() => expect(a.terms).toHaveLength(2));
    expect(a.terms[1]!.sessionId).toBe(expiring.sessionId);
    await Promise.all([a.selector.close(), b.selector.close()]);
  });

  it('close() cancels a waiting turn, and ends a running term with reason "closed" after the callback returns', async () => {
    const a = heldSelector(await zk.connect(), '/select/close', { id: 'a' });
    const b = heldSelector(await zk.connect(), '/select/close', { id: 'b' });
    a.selector.start();
    await eventually(() => expect(a.terms).toHaveLength(1));
    b.selector.start();
    await eventually(async () => expect(await a.selector.participants()).toHaveLength(2));
    await b.selector.close();
    expect(b.selector.isQueued).toBe(false);
    await eventually(async () => expect(await a.selector.participants()).toHaveLength(1));
    const closing = a.selector.close();
    expect(a.selector.close()).toBe(closing);
    expect(a.terms[0]!.endReason).toBe('closed');
    await closing;
    expect(await a.selector.participants()).toEqual([]);
    expect(b.terms).toHaveLength(0);
  });

  it('rejects bad input and misuse clearly', async () => {
    const client = await zk.connect();
    const noop = async (): Promise<void> => {};
    expect(() => new LeaderSelector(client, 'relative', noop)).toThrow(/invalid path/);
    expect(() => new LeaderSelector(client, '/x', 'not a function' as never)).toThrow(/takeLeadership/);
    expect(() => new LeaderSelector(client, '/x', noop, { connectionPolicy: 'sometimes' as never })).toThrow(
      /connectionPolicy/,
    );
    expect(() => new LeaderSelector(client, '/x', noop, { id: 7 as never })).toThrow(/id must be a string/);
    const selector = new LeaderSelector(client, '/select/misuse', noop);
    expect(() => selector.requeue()).toThrow(/not started/);
    selector.start();
    expect(() => selector.start()).toThrow(/already started/);
    await selector.close();
    expect(() => selector.requeue()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(() => selector.start()).toThrow(/closed/);
  });
});
