import { describe, expect, it } from 'vitest';
import { sessionPasswordOf } from './session-password.ts';

// Computed by a JVM (OpenJDK 17) with ZooKeeperServer.generatePasswd's own code:
//   Random r = new Random(id ^ 0XB3415C00L); byte[] p = new byte[16]; r.nextBytes(p);
const GENERATED_BY_JAVA: readonly (readonly [bigint, string])[] = [
  [0x10001ea7b2b0000n, '570509df98a16c3c8d2990c3a1a754f3'],
  [0x20001ea7b240000n, '9eb8cf7bd3c08c59ac77b0fad4c4d958'],
  [1n, '054cc74a37327db215e702e20c73f005'],
  [0x7fffffffffffffffn, '20f62cb5648dc2d771471c8a2486a9ee'],
  // A server id above 127 makes the long negative; Java sees the same 64 bits either way.
  [0xff000abcdef01234n, '2ce448448b830ad3e422129dc26c2a16'],
];

describe('sessionPasswordOf', () => {
  it.each(GENERATED_BY_JAVA)('matches java.util.Random for session 0x%s', (sessionId, password) => {
    expect(Buffer.from(sessionPasswordOf(sessionId)).toString('hex')).toBe(password);
  });

  it('takes a negative (signed) id as the same 64 bits', () => {
    const unsigned = 0xff000abcdef01234n;
    expect(sessionPasswordOf(BigInt.asIntN(64, unsigned))).toEqual(sessionPasswordOf(unsigned));
  });
});
