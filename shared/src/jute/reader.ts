/**
 * Jute binary decoding, the reading half of {@link JuteWriter}. Every read checks the bounds, so a
 * truncated or corrupt packet surfaces as a {@link JuteDecodeError} instead of garbage values. A
 * length of -1 means null, as in Java's BinaryInputArchive; any other negative length is corrupt.
 */
export class JuteDecodeError extends Error {
  override name = 'JuteDecodeError';
}

export class JuteReader {
  private offset: number;
  private view: DataView | undefined;

  constructor(
    private readonly buffer: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  readInt(): number {
    this.require(4, 'int');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  readLong(): bigint {
    this.require(8, 'long');
    // DataView's getBigInt64 is several times faster than Buffer's readBigInt64BE, and a Stat has 7 longs.
    this.view ??= new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    const value = this.view.getBigInt64(this.offset);
    this.offset += 8;
    return value;
  }

  /** A long known to fit in a double (times in ms), read without going through BigInt. */
  readLongAsNumber(): number {
    this.require(8, 'long');
    const value =
      this.buffer.readInt32BE(this.offset) * 0x1_0000_0000 + this.buffer.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return value;
  }

  readBool(): boolean {
    this.require(1, 'bool');
    return this.buffer[this.offset++] !== 0;
  }

  /** A copy, so the caller never pins the (possibly large) receive buffer the packet arrived in. */
  readBuffer(): Buffer | null {
    const length = this.readLength('buffer');
    if (length === null) return null;
    this.require(length, 'buffer');
    const copy = Buffer.allocUnsafe(length);
    this.buffer.copy(copy, 0, this.offset, this.offset + length);
    this.offset += length;
    return copy;
  }

  readString(): string | null {
    const length = this.readLength('string');
    if (length === null) return null;
    this.require(length, 'string');
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  readVector<T>(readItem: (reader: this) => T): T[] | null {
    const count = this.readLength('vector');
    if (count === null) return null;
    // Each element takes at least one byte, so a count larger than what is left is corrupt.
    if (count > this.remaining)
      throw new JuteDecodeError(`vector of ${count} items in ${this.remaining} bytes`);
    const items: T[] = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }

  /**
   * A list the server always sends (children, ephemerals): null there is as corrupt as a wrong
   * length, and reading it as [] would tell the caller "no children" when nothing is known.
   */
  readStringVector(what = 'string list'): string[] {
    const items = this.readVector((reader) => reader.readString() ?? '');
    if (items === null) throw new JuteDecodeError(`${what} is null (length -1)`);
    return items;
  }

  private readLength(what: string): number | null {
    const at = this.offset;
    const length = this.readInt();
    if (length === -1) return null;
    if (length < 0) throw new JuteDecodeError(`negative ${what} length ${length} at offset ${at}`);
    return length;
  }

  private require(bytes: number, what: string): void {
    if (this.offset + bytes > this.buffer.length) {
      throw new JuteDecodeError(
        `packet truncated: needed ${bytes} bytes for ${what} at offset ${this.offset}, have ${this.remaining}`,
      );
    }
  }
}
