import { describe, expect, it } from 'vitest';
import { NEVER_ABORTED } from './deadline.ts';
import { InProcessLock } from './in-process-lock.ts';

describe('InProcessLock', () => {
  it('hands the turn over first come, first served', async () => {
    const lock = new InProcessLock();
    await lock.acquire(NEVER_ABORTED);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((id) => lock.acquire(NEVER_ABORTED).then(() => order.push(id)));
    expect(lock.tryAcquire()).toBe(false);
    for (let handOver = 1; handOver <= 3; handOver++) {
      lock.release();
      await waiting[handOver - 1];
      expect(order).toEqual([1, 2, 3].slice(0, handOver));
    }
    lock.release();
    expect(lock.isLocked).toBe(false);
    expect(lock.tryAcquire()).toBe(true);
  });

  it('a waiter whose signal aborts leaves the line and never gets the turn', async () => {
    const lock = new InProcessLock();
    await lock.acquire(NEVER_ABORTED);
    const controller = new AbortController();
    const gaveUp = lock.acquire(controller.signal);
    const next = lock.acquire(NEVER_ABORTED);
    controller.abort(new Error('caller gave up'));
    await expect(gaveUp).rejects.toThrow('caller gave up');
    lock.release();
    await next;
    expect(lock.isLocked).toBe(true);
    lock.release();
    expect(lock.isLocked).toBe(false);
    await expect(lock.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(lock.isLocked).toBe(false);
  });
});
