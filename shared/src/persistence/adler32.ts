/**
 * Adler-32 (RFC 1950), the checksum ZooKeeper's transaction log and snapshots use
 * (java.util.zip.Adler32). Node's zlib computes it internally but does not expose it.
 */
const MOD_ADLER = 65_521;
// The largest run of bytes whose sums cannot overflow 2^53 before the modulo (zlib uses 5552 for
// 32-bit integers; doubles allow far more, but this keeps the numbers small and the loop simple).
const BLOCK = 5_552;

export function adler32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let a = 1;
  let b = 0;
  for (let offset = start; offset < end;) {
    const blockEnd = Math.min(offset + BLOCK, end);
    for (; offset < blockEnd; offset++) {
      a += bytes[offset] ?? 0;
      b += a;
    }
    a %= MOD_ADLER;
    b %= MOD_ADLER;
  }
  return b * 65_536 + a;
}
