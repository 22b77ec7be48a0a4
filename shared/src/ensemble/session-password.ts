/**
 * The password a ZooKeeper server gave the session with this id, computed without asking anyone.
 *
 * A server does not store session passwords: it derives them. ZooKeeperServer.generatePasswd(id)
 * (3.4 to 3.9) is `new java.util.Random(id ^ superSecret).nextBytes(new byte[16])`, and superSecret
 * is a constant compiled into every server, 0xB3415C00. When a client reconnects, checkPasswd
 * re-derives the password from the id and compares. ZooKeeper's own comment calls it "more of a
 * checksum that's used in reconnection, which carries no security weight": whoever knows a session's
 * id knows its password.
 *
 * Tests use that to end a session held by another process — a Kafka broker's, read from its
 * registration node's `ephemeralOwner` — with `expireSession`: join the session with its id and this
 * password, then close it. The owner learns of the expiry when it reconnects, exactly as after a
 * real timeout, but without waiting for one or pausing the process.
 */
export function sessionPasswordOf(sessionId: bigint): Uint8Array {
  // Java longs are 64-bit two's complement; our client may hand the id over signed or unsigned.
  const random = new JavaRandom(BigInt.asUintN(64, sessionId) ^ SERVER_SECRET);
  const password = new Uint8Array(PASSWORD_LENGTH);
  random.nextBytes(password);
  return password;
}

/** ZooKeeperServer.superSecret (a positive long: the literal has Java's L suffix). */
const SERVER_SECRET = 0xb3415c00n;
const PASSWORD_LENGTH = 16;

/**
 * The part of java.util.Random that nextBytes uses: a 48-bit linear congruential generator,
 * specified exactly in the class's Javadoc so that every JVM produces the same sequence for a seed.
 */
class JavaRandom {
  private static readonly MULTIPLIER = 0x5deece66dn;
  private static readonly ADDEND = 0xbn;
  private static readonly MASK = (1n << 48n) - 1n;
  private seed: bigint;

  constructor(seed: bigint) {
    // Random(long seed) scrambles the seed once: (seed ^ multiplier) & (2^48 - 1).
    this.seed = (seed ^ JavaRandom.MULTIPLIER) & JavaRandom.MASK;
  }

  /** next(32) as nextInt() returns it: the top 32 of the 48 bits, as a signed int. */
  nextInt(): number {
    this.seed = (this.seed * JavaRandom.MULTIPLIER + JavaRandom.ADDEND) & JavaRandom.MASK;
    return Number(BigInt.asIntN(32, this.seed >> 16n));
  }

  /** Each nextInt() fills up to four bytes, least significant byte first. */
  nextBytes(bytes: Uint8Array): void {
    for (let index = 0; index < bytes.length;) {
      let random = this.nextInt();
      for (let left = Math.min(bytes.length - index, 4); left > 0; left--) {
        bytes[index++] = random & 0xff;
        random >>= 8;
      }
    }
  }
}
