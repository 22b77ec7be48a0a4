import { createHash } from 'node:crypto';

/**
 * Four 32-bit points from one MD5 digest, as ketama (memcached's consistent hashing, and Dubbo's
 * ConsistentHashLoadBalance) derives them: MD5 spreads even similar keys ("user-1", "user-2")
 * uniformly over the ring, which a cheap string hash does not.
 */
export function md5Points(text: string): [number, number, number, number] {
  const digest = createHash('md5').update(text).digest();
  return [digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)];
}

/** Where a request key lands: the first of its MD5 points. */
export function keyHash(key: string): number {
  return md5Points(key)[0];
}
