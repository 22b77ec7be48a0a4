import type { Candidate, PickContext, Strategy } from './strategy.ts';

/**
 * Keeps traffic in the gateway's own zone while any provider there is offered, and spills over to
 * every zone only when none is (all down, drained or with open circuits): a cross-zone hop costs
 * latency and often money, but an answer from afar beats none. The choice inside the set is the
 * inner strategy's.
 */
export class ZonePreferring implements Strategy {
  constructor(
    private readonly inner: Strategy,
    readonly zone: string,
  ) {}

  get name(): Strategy['name'] {
    return this.inner.name;
  }

  pick<C extends Candidate>(candidates: readonly C[], context: PickContext): C | undefined {
    const local = candidates.filter((candidate) => candidate.zone === this.zone);
    return this.inner.pick(local.length > 0 ? local : candidates, context);
  }
}
