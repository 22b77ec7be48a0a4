/**
 * What a znode is, read from the ephemeralOwner field as the server stores it (EphemeralType):
 * a session id for an ephemeral, Long.MIN_VALUE for a container, and for a TTL node a marker byte
 * 0xff, a two-byte extended type (0 = TTL) and the TTL in the low 40 bits.
 */
export type NodeKind =
  | { kind: 'persistent' }
  | { kind: 'ephemeral'; sessionId: bigint }
  | { kind: 'container' }
  | { kind: 'ttl'; ttlMs: number };

const CONTAINER_OWNER = -0x8000_0000_0000_0000n;
const TTL_LOW_BITS = 0xff_ffff_ffffn;

export function nodeKind(ephemeralOwner: bigint): NodeKind {
  if (ephemeralOwner === 0n) return { kind: 'persistent' };
  if (ephemeralOwner === CONTAINER_OWNER) return { kind: 'container' };
  const unsigned = BigInt.asUintN(64, ephemeralOwner);
  if (unsigned >> 56n === 0xffn && ((unsigned >> 40n) & 0xffffn) === 0n) {
    return { kind: 'ttl', ttlMs: Number(unsigned & TTL_LOW_BITS) };
  }
  return { kind: 'ephemeral', sessionId: ephemeralOwner };
}
