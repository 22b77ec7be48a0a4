import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { RangeIdGenerator, SequentialIdGenerator } from '@zk-cookbook/core/recipes/naming';
import { NamingError } from '../errors.ts';
import { counterPath, sequenceParent, type IdTypeDefinition, type NamingLayout } from '../layout.ts';
import { formatIdName } from './id-name.ts';
import type { IdTypes } from './id-types.ts';

export interface TakenIds {
  type: string;
  generator: IdTypeDefinition['generator'];
  /** unique, in increasing order: "job-0000000042", … */
  names: string[];
}

type Generator =
  { kind: 'sequential'; generator: SequentialIdGenerator } | { kind: 'range'; generator: RangeIdGenerator };

/** Per type, IDs handed out since start and (range types) the ranges leased and given up. */
export interface IdTypeStats {
  type: string;
  generator: IdTypeDefinition['generator'];
  issued: number;
  rangesReserved?: number;
  rangesWasted?: number;
  currentRange?: { first: string; last: string };
}

/**
 * Hands out IDs by type, each type from the generator its definition names: one sequential node per
 * ID (SequentialIdGenerator, whose nodes are deleted in batches as soon as their number is taken), or
 * from a range leased with one compare-and-set (RangeIdGenerator). One generator per type and
 * process, so concurrent requests share a range and its one reservation in flight.
 *
 * Connection policy: the generators own no node, so a suspended or lost session takes nothing away
 * from IDs already handed out. A range type keeps serving from its leased range while disconnected;
 * anything that needs ZooKeeper waits for the connection within the request's deadline.
 */
export class IdService {
  private readonly generators = new Map<string, Generator>();
  private readonly issued = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly layout: NamingLayout,
    readonly types: IdTypes,
  ) {}

  /** `count` new IDs of `type`; rejects with the generator's TIMEOUT when the deadline passes first. */
  async take(
    type: string,
    count: number,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<TakenIds> {
    const definition = await this.types.get(type);
    const generator = this.generatorFor(type, definition);
    let ids: (number | bigint)[];
    if (generator.kind === 'sequential') {
      ids = await Promise.all(Array.from({ length: count }, () => generator.generator.nextId(options)));
      ids.sort((a, b) => Number(a) - Number(b));
    } else {
      // Taking from a leased range is synchronous, so one after another costs nothing.
      ids = [];
      for (let index = 0; index < count; index++) ids.push(await generator.generator.nextId(options));
    }
    this.issued.set(type, (this.issued.get(type) ?? 0) + ids.length);
    return {
      type,
      generator: definition.generator,
      names: ids.map((id) => formatIdName(type, definition.generator, id)),
    };
  }

  stats(): IdTypeStats[] {
    return [...this.generators.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, { kind, generator }]) => {
        const base = { type, generator: kind, issued: this.issued.get(type) ?? 0 };
        if (!(generator instanceof RangeIdGenerator)) return base;
        const range = generator.currentRange;
        return {
          ...base,
          ...generator.stats,
          ...(range && { currentRange: { first: range.first.toString(), last: range.last.toString() } }),
        };
      });
  }

  /**
   * Stops handing out IDs. The rest of each leased range is given up for good (a gap, never a
   * repeat); resolves once the sequential nodes still being deleted are gone.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.generators.values()].map(({ generator }) => generator.close()));
  }

  private generatorFor(type: string, definition: IdTypeDefinition): Generator {
    const existing = this.generators.get(type);
    if (existing) return existing;
    if (this.closed) throw new NamingError('CLOSED', 'take IDs', 'the service is shutting down');
    const created: Generator =
      definition.generator === 'sequential'
        ? {
            kind: 'sequential',
            generator: new SequentialIdGenerator(this.client, sequenceParent(this.layout, type)),
          }
        : {
            kind: 'range',
            generator: new RangeIdGenerator(this.client, counterPath(this.layout, type), {
              rangeSize: definition.rangeSize,
            }),
          };
    this.generators.set(type, created);
    return created;
  }
}
