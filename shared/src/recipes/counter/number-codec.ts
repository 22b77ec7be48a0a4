import { RecipeError } from '../core/errors.ts';

/**
 * How a counter's value is stored in its znode, byte for byte as Curator and Kazoo store it:
 * - int32: 4 bytes, big-endian, two's complement — Curator SharedCount and DistributedAtomicInteger,
 *   Kazoo Counter(support_curator=True) (258 → 00 00 01 02, -2 → ff ff ff fe);
 * - int64: 8 bytes, big-endian — Curator DistributedAtomicLong (258 → 00 00 00 00 00 00 01 02).
 * An empty node reads as 0 (a node created by Kazoo's ensure_path, or by a plain create); any
 * other length is not a counter and fails with CORRUPT_DATA rather than being guessed at.
 *
 * Arithmetic wraps like Java's int and long (Integer.MAX_VALUE + 1 = Integer.MIN_VALUE), which is
 * what a Curator client sharing the node computes.
 */
export interface NumberCodec<T> {
  readonly byteLength: 4 | 8;
  readonly zero: T;
  encode(value: T): Buffer;
  decode(data: Uint8Array, recipe: string, path: string): T;
  add(a: T, b: T): T;
  /** checks a caller's value (type and range); BAD_ARGUMENT otherwise */
  validate(value: unknown, what: string, recipe: string, path: string): T;
}

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export const int32: NumberCodec<number> = {
  byteLength: 4,
  zero: 0,
  encode(value) {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32BE(value);
    return bytes;
  },
  decode(data, recipe, path) {
    if (data.byteLength === 0) return 0;
    if (data.byteLength !== 4) throw corrupt(data, 4, recipe, path);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readInt32BE(0);
  },
  add(a, b) {
    return (a + b) | 0;
  },
  validate(value, what, recipe, path) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        recipe,
        path,
        `${what} must be a 32-bit integer (${INT32_MIN}…${INT32_MAX}), got ${String(value)}`,
      );
    }
    return value;
  },
};

export const int64: NumberCodec<bigint> = {
  byteLength: 8,
  zero: 0n,
  encode(value) {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(value);
    return bytes;
  },
  decode(data, recipe, path) {
    if (data.byteLength === 0) return 0n;
    if (data.byteLength !== 8) throw corrupt(data, 8, recipe, path);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readBigInt64BE(0);
  },
  add(a, b) {
    return BigInt.asIntN(64, a + b);
  },
  validate(value, what, recipe, path) {
    const asBigInt =
      typeof value === 'bigint'
        ? value
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? BigInt(value)
          : undefined;
    if (asBigInt === undefined || asBigInt < INT64_MIN || asBigInt > INT64_MAX) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        recipe,
        path,
        `${what} must be a 64-bit integer (a bigint, or a safe-integer number), got ${String(value)}`,
      );
    }
    return asBigInt;
  },
};

function corrupt(data: Uint8Array, expected: number, recipe: string, path: string): RecipeError {
  const shown = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 16)).toString('hex');
  return new RecipeError(
    'CORRUPT_DATA',
    recipe,
    path,
    `expected ${expected} bytes (or none), found ${data.byteLength}: ${shown}${data.byteLength > 16 ? '…' : ''}`,
  );
}
