/**
 * Splits a TCP byte stream into ZooKeeper packets. Each packet is an int32 length followed by that
 * many bytes. Chunks are kept in a list and joined only when a packet spans chunks, so a large
 * response arriving in many pieces is copied once, not once per piece.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /**
   * @param maxFrameBytes the largest packet accepted; the connection starts with a small limit for
   * the handshake (a ConnectResponse is ~40 bytes) and raises it once a session exists, so a server
   * that is not ZooKeeper cannot make the client buffer megabytes before saying a word.
   */
  constructor(public maxFrameBytes: number) {}

  /** Feeds bytes in; returns every complete packet body now available. */
  push(chunk: Buffer): Buffer[] {
    this.append(chunk);
    const frames: Buffer[] = [];
    for (let frame = this.next(); frame !== null; frame = this.next()) frames.push(frame);
    return frames;
  }

  append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete packet body, or null until more bytes arrive; throws on an impossible length. */
  next(): Buffer | null {
    if (this.buffered < 4) return null;
    const length = this.peekLength();
    if (length < 0 || length > this.maxFrameBytes) {
      throw new Error(
        `packet length ${length} outside 0..${this.maxFrameBytes}: not a ZooKeeper server, or a corrupt stream`,
      );
    }
    if (this.buffered < 4 + length) return null;
    this.consume(4);
    return this.consume(length);
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.peek(4).readInt32BE(0);
  }

  private peek(bytes: number): Buffer {
    return Buffer.concat(this.chunks, Math.min(this.buffered, Math.max(bytes, 4))).subarray(0, bytes);
  }

  private consume(bytes: number): Buffer {
    if (bytes === 0) return Buffer.alloc(0);
    this.buffered -= bytes;
    const first = this.chunks[0]!;
    if (first.length > bytes) {
      this.chunks[0] = first.subarray(bytes);
      return first.subarray(0, bytes);
    }
    if (first.length === bytes) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(bytes);
    let copied = 0;
    while (copied < bytes) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length, bytes - copied);
      chunk.copy(out, copied, 0, take);
      copied += take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    return out;
  }
}
