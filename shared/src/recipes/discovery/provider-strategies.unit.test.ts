import { describe, expect, it } from 'vitest';
import { DownInstances } from './down-instances.ts';
import { RandomStrategy, RoundRobinStrategy, StickyStrategy } from './provider-strategies.ts';
import { serviceInstance } from './service-instance.ts';

const instances = ['a', 'b', 'c'].map((id) => serviceInstance({ name: 'svc', id, address: 'h' }));

describe('provider strategies', () => {
  it('round robin takes each instance in turn and copes with a changing list', () => {
    const strategy = new RoundRobinStrategy();
    expect([1, 2, 3, 4].map(() => strategy.getInstance(instances)?.id)).toEqual(['a', 'b', 'c', 'a']);
    expect(strategy.getInstance(instances.slice(0, 2))?.id).toBe('a'); // fifth call: 4 % 2
    expect(strategy.getInstance([])).toBeNull();
  });

  it('random picks by its random source', () => {
    const rolls = [0, 0.5, 0.99, 1];
    const strategy = new RandomStrategy(() => rolls.shift()!);
    expect([1, 2, 3, 4].map(() => strategy.getInstance(instances)?.id)).toEqual(['a', 'b', 'c', 'c']);
    expect(new RandomStrategy().getInstance([])).toBeNull();
  });

  it('sticky keeps its instance while offered and counts every new pick', () => {
    const strategy = new StickyStrategy(new RoundRobinStrategy());
    expect(strategy.instanceNumber).toBe(-1);
    expect(strategy.getInstance(instances)?.id).toBe('a');
    expect(strategy.getInstance(instances)?.id).toBe('a');
    expect(strategy.getInstance([...instances].reverse())?.id).toBe('a');
    expect(strategy.instanceNumber).toBe(0);
    expect(strategy.getInstance(instances.slice(1))?.id).toBe('c'); // round robin's second pick
    expect(strategy.instanceNumber).toBe(1);
    expect(strategy.getInstance([])).toBeNull();
    expect(strategy.getInstance(instances)?.id).toBe('c'); // round robin's third pick
    expect(strategy.instanceNumber).toBe(2);
  });
});

describe('DownInstances', () => {
  it('hides an instance at the error threshold until the timeout after its first error', () => {
    let now = 1000;
    const down = new DownInstances({}, () => now);
    const [a, b] = instances;
    down.noteError(a!);
    expect(down.isUp(a!)).toBe(true);
    now += 10_000;
    down.noteError(a!);
    expect(down.isUp(a!)).toBe(false);
    expect(down.isUp(b!)).toBe(true);
    now += 19_999;
    expect(down.isUp(a!)).toBe(false);
    now += 1;
    expect(down.isUp(a!)).toBe(true);
    down.noteError(a!);
    expect(down.isUp(a!)).toBe(true); // a clean slate
  });

  it('takes a policy and validates it', () => {
    let now = 0;
    const strict = new DownInstances({ errorThreshold: 1, timeoutMs: 100 }, () => now);
    strict.noteError(instances[0]!);
    expect(strict.isUp(instances[0]!)).toBe(false);
    now = 100;
    expect(strict.isUp(instances[0]!)).toBe(true);
    expect(() => new DownInstances({ errorThreshold: 0 })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => new DownInstances({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });
});
