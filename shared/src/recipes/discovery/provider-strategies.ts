import type { ServiceInstance } from './service-instance.ts';

/** Picks one instance from those a ServiceProvider currently offers (already filtered). */
export interface ProviderStrategy {
  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | null;
}

/** Each call takes the next instance in turn (Curator's default strategy). */
export class RoundRobinStrategy implements ProviderStrategy {
  private index = 0;

  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | null {
    if (instances.length === 0) return null;
    const picked = instances[this.index % instances.length]!;
    this.index = (this.index + 1) % Number.MAX_SAFE_INTEGER;
    return picked;
  }
}

/** A uniformly random instance each call. */
export class RandomStrategy implements ProviderStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | null {
    if (instances.length === 0) return null;
    return instances[Math.min(instances.length - 1, Math.floor(this.random() * instances.length))]!;
  }
}

/**
 * Keeps returning the same instance while it is offered; when it is gone, picks a new one with the
 * master strategy. `instanceNumber` counts the picks (-1 before the first), so callers can tell
 * when the instance changed. Instances are matched by service name and id.
 */
export class StickyStrategy implements ProviderStrategy {
  private current: ServiceInstance<unknown> | null = null;
  private picks = -1;

  constructor(private readonly master: ProviderStrategy = new RoundRobinStrategy()) {}

  get instanceNumber(): number {
    return this.picks;
  }

  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | null {
    const current = this.current;
    const stillOffered = current
      ? instances.find((instance) => instance.name === current.name && instance.id === current.id)
      : undefined;
    if (stillOffered) {
      this.current = stillOffered;
      return stillOffered;
    }
    const picked = this.master.getInstance(instances);
    this.current = picked;
    if (picked) this.picks++;
    return picked;
  }
}
