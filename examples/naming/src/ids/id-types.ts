import {
  ensurePath,
  encodeJson,
  isZooKeeperError,
  joinPath,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { NamingError } from '../errors.ts';
import { idTypeDefinition, type IdTypeDefinition, type NamingLayout } from '../layout.ts';

/**
 * The ID types every instance agrees on, kept in ZooKeeper (`/naming/id-types/<type>`). Were the
 * choice of generator per instance configuration, two instances configured differently would count
 * the same type from two counters and hand out the same name twice; in ZooKeeper it is made once,
 * by whoever defines the type first, and every instance reads the same answer.
 *
 * A definition never changes (see layout.ts), so each instance keeps what it read for good.
 */
export class IdTypes {
  private readonly known = new Map<string, IdTypeDefinition>();

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly layout: NamingLayout,
  ) {}

  /**
   * Defines `type` unless it exists. An identical definition is fine (`created: false`); a different
   * one fails with ID_TYPE_CONFLICT and the existing definition stays.
   */
  async define(
    type: string,
    definition: IdTypeDefinition,
  ): Promise<{ definition: IdTypeDefinition; created: boolean }> {
    const path = joinPath(this.layout.idTypes, type);
    const wanted = idTypeDefinition.parse(definition);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.create(path, encodeJson(wanted));
        this.known.set(type, wanted);
        return { definition: wanted, created: true };
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE') && attempt === 0) {
          // The types' parent is persistent: an empty container would be reaped between requests.
          await ensurePath(this.client, this.layout.idTypes, {
            mode: 'persistent',
            parentMode: 'persistent',
          });
          continue;
        }
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      }
      const existing = await this.get(type);
      if (!sameDefinition(existing, wanted)) {
        throw new NamingError(
          'ID_TYPE_CONFLICT',
          'define ID type',
          `"${type}" is already defined as ${describe(existing)}; a type's generator can never change`,
          { path },
        );
      }
      return { definition: existing, created: false };
    }
  }

  /** The definition of `type`, or UNKNOWN_ID_TYPE. */
  async get(type: string): Promise<IdTypeDefinition> {
    const cached = this.known.get(type);
    if (cached) return cached;
    const path = joinPath(this.layout.idTypes, type);
    let data: Buffer;
    try {
      ({ data } = await this.client.getData(path));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) {
        throw new NamingError('UNKNOWN_ID_TYPE', 'take IDs', `no ID type "${type}" is defined`, { path });
      }
      throw error;
    }
    const definition = parseDefinition(data, path);
    this.known.set(type, definition);
    return definition;
  }

  /** Every defined type, sorted by name. */
  async list(): Promise<{ type: string; definition: IdTypeDefinition }[]> {
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.layout.idTypes));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
    const listed = await Promise.all(
      children.sort().map(async (type) => {
        try {
          return [{ type, definition: await this.get(type) }];
        } catch (error) {
          // Removed by hand between the listing and the read: not a type any more.
          if (error instanceof NamingError && error.code === 'UNKNOWN_ID_TYPE') return [];
          throw error;
        }
      }),
    );
    return listed.flat();
  }
}

function parseDefinition(data: Buffer, path: string): IdTypeDefinition {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    throw new NamingError('CORRUPT_DATA', 'read ID type', 'the definition is not JSON', { path });
  }
  const parsed = idTypeDefinition.safeParse(json);
  if (!parsed.success) {
    throw new NamingError('CORRUPT_DATA', 'read ID type', `not a definition: ${parsed.error.message}`, {
      path,
    });
  }
  return parsed.data;
}

function sameDefinition(a: IdTypeDefinition, b: IdTypeDefinition): boolean {
  return (
    a.generator === b.generator && (a.generator !== 'range' || a.rangeSize === (b as typeof a).rangeSize)
  );
}

export function describe(definition: IdTypeDefinition): string {
  return definition.generator === 'range'
    ? `range (ranges of ${definition.rangeSize})`
    : 'sequential (one sequential node per ID)';
}
