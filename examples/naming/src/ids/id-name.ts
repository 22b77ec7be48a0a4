import type { IdTypeDefinition } from '../layout.ts';

/**
 * Sequential IDs are 32-bit (ZooKeeper's sequence counter), range IDs 64-bit: each type pads to the
 * widest number its generator can produce, so that a type's names sort as their numbers do.
 */
const DIGITS: Record<IdTypeDefinition['generator'], number> = { sequential: 10, range: 19 };

/** "job", 42, sequential → "job-0000000042" */
export function formatIdName(
  type: string,
  generator: IdTypeDefinition['generator'],
  id: number | bigint,
): string {
  return `${type}-${id.toString().padStart(DIGITS[generator], '0')}`;
}

/** The number in a name formatIdName made: "job-0000000042" → 42n. */
export function idOfName(name: string): bigint {
  const digits = name.slice(name.lastIndexOf('-') + 1);
  if (!/^\d+$/.test(digits)) throw new RangeError(`not an ID name: ${JSON.stringify(name)}`);
  return BigInt(digits);
}
