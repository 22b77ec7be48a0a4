import { RecipeError } from '../core/errors.ts';
import type { ServiceInstance } from './service-instance.ts';

/** When an instance that callers report errors for is taken out of rotation (Curator's DownInstancePolicy). */
export interface DownInstancePolicy {
  /** how long a reported instance stays hidden, counted from its first reported error; default 30 s */
  timeoutMs?: number;
  /** errors within that time that hide it; default 2 */
  errorThreshold?: number;
}

/**
 * Counts errors reported per instance (by service name and id) and hides an instance once it
 * reaches the threshold, until `timeoutMs` after its first error; then it is offered again with a
 * clean slate. The same rule as Curator's DownInstanceManager.
 */
export class DownInstances {
  readonly timeoutMs: number;
  readonly errorThreshold: number;
  private readonly statuses = new Map<string, { since: number; errors: number }>();

  constructor(
    policy: DownInstancePolicy = {},
    private readonly now: () => number = Date.now,
  ) {
    this.timeoutMs = policy.timeoutMs ?? 30_000;
    this.errorThreshold = policy.errorThreshold ?? 2;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'ServiceProvider',
        undefined,
        `downInstancePolicy.timeoutMs must be positive, got ${this.timeoutMs}`,
      );
    }
    if (!Number.isInteger(this.errorThreshold) || this.errorThreshold < 1) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'ServiceProvider',
        undefined,
        `downInstancePolicy.errorThreshold must be an integer ≥ 1, got ${this.errorThreshold}`,
      );
    }
  }

  noteError(instance: ServiceInstance<unknown>): void {
    this.purge();
    const key = keyOf(instance);
    const status = this.statuses.get(key) ?? { since: this.now(), errors: 0 };
    status.errors++;
    this.statuses.set(key, status);
  }

  /** false while the instance is down */
  isUp(instance: ServiceInstance<unknown>): boolean {
    this.purge();
    const status = this.statuses.get(keyOf(instance));
    return !status || status.errors < this.errorThreshold;
  }

  private purge(): void {
    const now = this.now();
    for (const [key, status] of this.statuses)
      if (now - status.since >= this.timeoutMs) this.statuses.delete(key);
  }
}

function keyOf(instance: ServiceInstance<unknown>): string {
  return `${instance.name}/${instance.id}`;
}
