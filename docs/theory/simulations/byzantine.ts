import { Network, type NodeContext, type NodeId, type SimulatedNode } from './scheduler.ts';

/**
 * The Byzantine generals (Lamport, Shostak, Pease 1982), oral messages algorithm OM(m): the
 * commander (general 0) sends an order; every lieutenant relays what it heard, and what others say
 * they heard, m levels deep; each decides by majority, bottom up. Traitors lie however they like
 * (here: a random value per message, from the seed).
 *
 * IC1: all loyal lieutenants decide the same order. IC2: if the commander is loyal, they decide its
 * order. OM(m) guarantees both when n ≥ 3m + 1; with n = 3m some lie defeats it (n = 3, m = 1 is the
 * paper's example). The network is synchronous — every message takes one tick, none is lost —
 * because the algorithm assumes it: a missing message is a lie by the sender.
 */

export type Order = 'attack' | 'retreat';
/** The default when the majority is tied or a message is missing. */
export const DEFAULT_ORDER: Order = 'retreat';

export interface ByzantineMessage {
  /** The chain of generals the order passed through, commander first; the sender is last. */
  readonly path: readonly NodeId[];
  readonly order: Order;
}

export interface ByzantineOptions {
  seed: number;
  generals: number;
  /** Levels of relaying, the number of traitors OM tolerates when n ≥ 3m + 1. */
  m: number;
  /** Which generals are traitors; default m random ones (commander included in the draw). */
  traitors?: readonly NodeId[];
  /** The loyal commander's order; default random. */
  order?: Order;
  trace?: boolean;
}

class General implements SimulatedNode<ByzantineMessage> {
  /** path (joined) → the order this general heard along it. */
  readonly heard = new Map<string, Order>();

  constructor(
    readonly id: NodeId,
    private readonly generals: number,
    private readonly m: number,
    readonly traitor: boolean,
    private readonly order: Order,
  ) {}

  private say(order: Order, context: NodeContext<ByzantineMessage>): Order {
    return this.traitor ? context.random.pick<Order>(['attack', 'retreat']) : order;
  }

  start(context: NodeContext<ByzantineMessage>): void {
    if (this.id !== 0) return;
    for (let lieutenant = 1; lieutenant < this.generals; lieutenant += 1) {
      context.send(lieutenant, { path: [0], order: this.say(this.order, context) });
    }
  }

  receive(_from: NodeId, message: ByzantineMessage, context: NodeContext<ByzantineMessage>): void {
    this.heard.set(message.path.join('.'), message.order);
    if (message.path.length > this.m) return;
    const path = [...message.path, this.id];
    for (let other = 1; other < this.generals; other += 1) {
      if (!path.includes(other)) context.send(other, { path, order: this.say(message.order, context) });
    }
  }

  timer(): void {}
  crash(): void {}

  /** OM(m) bottom up: the majority of what each other lieutenant says, on each sub-path. */
  decide(): Order {
    return this.resolve([0]);
  }

  private resolve(path: readonly NodeId[]): Order {
    const own = this.heard.get(path.join('.')) ?? DEFAULT_ORDER;
    if (path.length > this.m) return own;
    const votes: Order[] = [];
    for (let other = 1; other < this.generals; other += 1) {
      if (path.includes(other)) continue;
      votes.push(other === this.id ? own : this.resolve([...path, other]));
    }
    return majority(votes);
  }
}

export function majority(votes: readonly Order[]): Order {
  const attack = votes.filter((vote) => vote === 'attack').length;
  if (attack * 2 > votes.length) return 'attack';
  if (attack * 2 < votes.length) return 'retreat';
  return DEFAULT_ORDER;
}

export interface ByzantineRun {
  readonly network: Network<ByzantineMessage>;
  readonly traitors: readonly NodeId[];
  readonly order: Order;
  /** Each loyal lieutenant's decision. */
  readonly decisions: ReadonlyMap<NodeId, Order>;
  readonly messages: number;
  readonly violations: readonly string[];
}

export function runByzantine(options: ByzantineOptions): ByzantineRun {
  const network = new Network<ByzantineMessage>(
    { seed: options.seed, minDelay: 1, maxDelay: 1, ...(options.trace === false ? { trace: false } : {}) },
    (message) => `"${message.path.join(' says ')} says ${message.order}"`,
  );
  const ids = Array.from({ length: options.generals }, (_, i) => i);
  const traitors = options.traitors ?? network.random.sample(ids, options.m);
  const order = options.order ?? network.random.pick<Order>(['attack', 'retreat']);
  const generals = ids.map(
    (id) => new General(id, options.generals, options.m, traitors.includes(id), order),
  );
  for (const general of generals) network.add(general);
  network.run();
  const decisions = new Map<NodeId, Order>();
  for (const general of generals)
    if (general.id !== 0 && !general.traitor) decisions.set(general.id, general.decide());
  return {
    network,
    traitors,
    order,
    decisions,
    messages: network.stepCount,
    violations: checkByzantine(decisions, traitors.includes(0) ? null : order),
  };
}

/** IC1 and IC2. `commanderOrder` is null when the commander is a traitor (only IC1 applies). */
export function checkByzantine(
  decisions: ReadonlyMap<NodeId, Order>,
  commanderOrder: Order | null,
): string[] {
  const violations: string[] = [];
  const distinct = new Set(decisions.values());
  if (distinct.size > 1) {
    violations.push(
      `IC1: loyal lieutenants disagree: ${[...decisions].map(([id, o]) => `${id}:${o}`).join(' ')}`,
    );
  }
  if (commanderOrder !== null) {
    for (const [id, decided] of decisions) {
      if (decided !== commanderOrder)
        violations.push(
          `IC2: lieutenant ${id} decided ${decided}, the loyal commander ordered ${commanderOrder}`,
        );
    }
  }
  return violations;
}
