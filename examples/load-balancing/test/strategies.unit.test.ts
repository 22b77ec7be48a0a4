import { describe, expect, it } from 'vitest';
import {
  ConsistentHash,
  HashRing,
  LeastActive,
  SmoothWeightedRoundRobin,
  WeightedRandom,
  ZonePreferring,
  createStrategy,
  keyHash as hashOf,
  keyMovement,
  keysMoved,
  moduloOwner,
  sampleKeys,
  type Candidate,
  type PickContext,
} from '../src/strategies/index.ts';

const provider = (id: string, weight = 1, zone = 'eu-1'): Candidate => ({ id, weight, zone });
const idle: PickContext = { activeRequests: () => 0 };

function countPicks(pick: () => Candidate | undefined, times: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const picked = pick();
    if (picked) counts[picked.id] = (counts[picked.id] ?? 0) + 1;
  }
  return counts;
}

/** A seeded generator (mulberry32), so random strategies are tested without flakiness. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('smooth weighted round-robin', () => {
  it('spreads the heavy provider out, as nginx does: weights 5,1,1 give a a b a c a a', () => {
    const strategy = new SmoothWeightedRoundRobin();
    const offer = [provider('a', 5), provider('b', 1), provider('c', 1)];
    const order = Array.from({ length: 7 }, () => strategy.pick(offer)!.id).join(' ');
    expect(order).toBe('a a b a c a a');
  });

  it('gives each provider exactly its weight in every cycle of total-weight picks', () => {
    const strategy = new SmoothWeightedRoundRobin();
    const offer = [provider('a', 3), provider('b', 2), provider('c', 1)];
    for (let cycle = 0; cycle < 5; cycle++) {
      expect(countPicks(() => strategy.pick(offer), 6)).toEqual({ a: 3, b: 2, c: 1 });
    }
  });

  it('keeps rotating over what is offered when a provider drops out and comes back', () => {
    const strategy = new SmoothWeightedRoundRobin();
    const all = [provider('a'), provider('b'), provider('c')];
    expect(countPicks(() => strategy.pick(all), 3)).toEqual({ a: 1, b: 1, c: 1 });
    const withoutB = all.filter((candidate) => candidate.id !== 'b');
    expect(countPicks(() => strategy.pick(withoutB), 4)).toEqual({ a: 2, c: 2 });
    expect(countPicks(() => strategy.pick(all), 30)).toEqual({ a: 10, b: 10, c: 10 });
  });

  it('offers nothing when nothing is offered', () => {
    expect(new SmoothWeightedRoundRobin().pick([])).toBeUndefined();
  });
});

describe('weighted random', () => {
  it('picks in proportion to the weights', () => {
    const strategy = new WeightedRandom(seeded(1));
    const offer = [provider('a', 6), provider('b', 3), provider('c', 1)];
    const counts = countPicks(() => strategy.pick(offer), 20_000);
    expect(counts.a! / 20_000).toBeCloseTo(0.6, 1);
    expect(counts.b! / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.c! / 20_000).toBeCloseTo(0.1, 1);
  });

  it('maps the ends of [0, 1) to the first and last provider', () => {
    const offer = [provider('a', 1), provider('b', 1)];
    expect(new WeightedRandom(() => 0).pick(offer)?.id).toBe('a');
    expect(new WeightedRandom(() => 0.999_999_999).pick(offer)?.id).toBe('b');
  });
});

describe('least active', () => {
  it('picks the provider with the fewest requests in flight', () => {
    const active: Record<string, number> = { a: 4, b: 1, c: 2 };
    const picked = new LeastActive().pick([provider('a'), provider('b'), provider('c')], {
      activeRequests: (id) => active[id]!,
    });
    expect(picked?.id).toBe('b');
  });

  it('breaks ties by weight', () => {
    const active: Record<string, number> = { a: 1, b: 1, c: 0, d: 0 };
    const strategy = new LeastActive(seeded(7));
    const offer = [provider('a', 10), provider('b'), provider('c', 3), provider('d', 1)];
    const counts = countPicks(() => strategy.pick(offer, { activeRequests: (id) => active[id]! }), 8_000);
    expect(Object.keys(counts).sort()).toEqual(['c', 'd']);
    expect(counts.c! / 8_000).toBeCloseTo(0.75, 1);
  });
});

describe('consistent hashing', () => {
  const five = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => provider(id));
  const keys = sampleKeys(20_000);

  it('sends one key to one provider every time', () => {
    const strategy = new ConsistentHash();
    const first = strategy.pick(five, { ...idle, key: 'user-42' });
    for (let i = 0; i < 50; i++) expect(strategy.pick(five, { ...idle, key: 'user-42' })).toBe(first);
  });

  it('spreads keys about evenly over the providers (virtual nodes)', () => {
    const ring = new HashRing(five);
    expect(ring.size).toBe(5 * 160);
    const counts: Record<string, number> = {};
    for (const key of keys) {
      const owner = ring.ownerOf(hashOf(key))!.id;
      counts[owner] = (counts[owner] ?? 0) + 1;
    }
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      expect(counts[id]! / keys.length).toBeGreaterThan(0.14);
      expect(counts[id]! / keys.length).toBeLessThan(0.26);
    }
  });

  it('moves only the joining provider’s share of the keys, where modulo moves most of them', () => {
    const six = [...five, provider('p6')];
    const before = new HashRing(five);
    const after = new HashRing(six);
    const ring = (r: HashRing<Candidate>) => (key: string) => r.ownerOf(hashOf(key))?.id;
    const consistent = keysMoved(keys, ring(before), ring(after));
    const modulo = keysMoved(
      keys,
      (key) => moduloOwner(five, key)?.id,
      (key) => moduloOwner(six, key)?.id,
    );
    // Ideal: 1/6 of the keys move, all of them to p6.
    expect(consistent).toBeGreaterThan(0.1);
    expect(consistent).toBeLessThan(0.24);
    expect(modulo).toBeGreaterThan(0.75);
    for (const key of keys) {
      const owner = after.ownerOf(hashOf(key))!.id;
      if (owner !== before.ownerOf(hashOf(key))!.id) expect(owner).toBe('p6');
    }
  });

  it('when a provider leaves, only its keys move', () => {
    const four = five.filter((candidate) => candidate.id !== 'p3');
    const before = new HashRing(five);
    const after = new HashRing(four);
    for (const key of keys) {
      const was = before.ownerOf(hashOf(key))!.id;
      if (was !== 'p3') expect(after.ownerOf(hashOf(key))!.id).toBe(was);
    }
  });

  it('gives a provider of weight 3 three times the points, and about three times the keys', () => {
    const weighted = [provider('heavy', 3), provider('light', 1)];
    expect(new HashRing(weighted).size).toBe(4 * 160);
    const strategy = new ConsistentHash();
    const heavy = keys.filter((key) => strategy.pick(weighted, { ...idle, key })?.id === 'heavy').length;
    expect(heavy / keys.length).toBeCloseTo(0.75, 1);
  });

  it('wraps round: a hash past the last point belongs to the first point’s owner', () => {
    const ring = new HashRing([provider('only')]);
    expect(ring.ownerOf(0xffff_ffff)?.id).toBe('only');
    expect(new HashRing([]).ownerOf(5)).toBeUndefined();
  });
});

describe('key movement report', () => {
  const providers = (count: number) => Array.from({ length: count }, (_, index) => provider(`p${index + 1}`));
  const keys = sampleKeys(10_000);

  it('measures a join against modulo and the least possible share', () => {
    const movement = keyMovement(providers(5), providers(6), keys);
    expect(movement.ideal).toBeCloseTo(1 / 6, 6);
    expect(Math.abs(movement.consistentHash - movement.ideal)).toBeLessThan(0.05);
    expect(movement.modulo).toBeGreaterThan(0.75);
  });

  it('a leave moves the same keys back, whatever order the providers come in', () => {
    const join = keyMovement(providers(5), providers(6), keys);
    const leave = keyMovement([...providers(6)].reverse(), providers(5), keys);
    expect(leave).toEqual(join);
  });
});

describe('zone preferring', () => {
  const offer = [provider('eu-a', 1, 'eu-1'), provider('us-a', 1, 'us-1'), provider('eu-b', 1, 'eu-1')];

  it('keeps traffic in its zone while the zone has a provider', () => {
    const strategy = new ZonePreferring(new SmoothWeightedRoundRobin(), 'eu-1');
    expect(countPicks(() => strategy.pick(offer, idle), 10)).toEqual({ 'eu-a': 5, 'eu-b': 5 });
  });

  it('spills over to the other zones when its own has none', () => {
    const strategy = new ZonePreferring(new SmoothWeightedRoundRobin(), 'eu-1');
    const usOnly = offer.filter((candidate) => candidate.zone === 'us-1');
    expect(strategy.pick(usOnly, idle)?.id).toBe('us-a');
  });

  it('is built by createStrategy when a zone is preferred, and keeps the inner name', () => {
    const strategy = createStrategy({ strategy: 'least-active', preferZone: 'us-1' });
    expect(strategy).toBeInstanceOf(ZonePreferring);
    expect(strategy.name).toBe('least-active');
    expect(strategy.pick(offer, idle)?.id).toBe('us-a');
    expect(createStrategy({ strategy: 'consistent-hash' })).toBeInstanceOf(ConsistentHash);
  });
});
