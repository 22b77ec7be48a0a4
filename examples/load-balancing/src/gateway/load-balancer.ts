import { createStrategy, type Strategy, type StrategyChoice } from '../strategies/index.ts';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.ts';
import type { Provider, ProviderList } from './provider-list.ts';

/**
 * The gateway's choice per request: from the providers ZooKeeper lists, offer those with a weight,
 * a circuit that lets requests through and not yet tried by this request; the strategy picks one.
 * It also keeps what the strategies and circuits learn from the traffic: requests in flight and
 * failures in a row, per provider.
 */
export class LoadBalancer {
  private strategy: Strategy;
  private chosen: StrategyChoice;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly active = new Map<string, number>();

  constructor(
    private readonly list: ProviderList,
    choice: StrategyChoice,
    private readonly breakerOptions: CircuitBreakerOptions = {},
  ) {
    this.chosen = choice;
    this.strategy = createStrategy(choice);
    // A provider that leaves and comes back starts afresh: its old failures were another process's.
    list.on('membership', (change) => {
      if (change.type === 'left') this.breakers.delete(change.id);
    });
  }

  get choice(): StrategyChoice {
    return this.chosen;
  }

  /** Switches strategy for the requests that follow (a fresh rotation, fresh rings). */
  setStrategy(choice: StrategyChoice): void {
    this.strategy = createStrategy(choice);
    this.chosen = choice;
  }

  /** What a request that has tried `tried` may go to now. */
  offer(tried: ReadonlySet<string> = new Set()): Provider[] {
    return this.list.providers.filter(
      (provider) => provider.weight > 0 && !tried.has(provider.id) && this.breakerOf(provider.id).available,
    );
  }

  choose(tried: ReadonlySet<string>, key: string | undefined): Provider | undefined {
    return this.strategy.pick(this.offer(tried), {
      key,
      activeRequests: (id) => this.activeRequests(id),
    });
  }

  /** An attempt to `id` starts: it is in flight, and it may be its circuit's trial. */
  begin(id: string): void {
    this.breakerOf(id).onAttempt();
    this.active.set(id, this.activeRequests(id) + 1);
  }

  /** The attempt's verdict for the circuit: did the provider answer usefully? */
  report(id: string, ok: boolean): void {
    const breaker = this.breakerOf(id);
    if (ok) breaker.onSuccess();
    else breaker.onFailure();
  }

  /** The attempt is over (its answer sent on, or given up). */
  end(id: string): void {
    const left = this.activeRequests(id) - 1;
    if (left > 0) this.active.set(id, left);
    else this.active.delete(id);
  }

  activeRequests(id: string): number {
    return this.active.get(id) ?? 0;
  }

  circuit(id: string): { state: CircuitState; timesOpened: number } {
    const breaker = this.breakerOf(id);
    return { state: breaker.state, timesOpened: breaker.timesOpened };
  }

  private breakerOf(id: string): CircuitBreaker {
    let breaker = this.breakers.get(id);
    if (!breaker) {
      breaker = new CircuitBreaker(this.breakerOptions);
      this.breakers.set(id, breaker);
    }
    return breaker;
  }
}
