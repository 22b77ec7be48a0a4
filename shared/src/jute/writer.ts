/**
 * Jute binary encoding, the writing half. Jute is ZooKeeper's serialisation format (inherited from
 * Hadoop): big-endian fixed-width integers, length-prefixed byte buffers and strings where a length of
 * -1 means null, vectors as a count followed by the elements, and records as their fields in order with
 * no framing of their own.
 */
export class JuteWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(initialCapacity = 128) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.offset;
  }

  writeInt(value: number): this {
    this.reserve(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  writeLong(value: bigint): this {
    this.reserve(8);
    this.buffer.writeBigInt64BE(value, this.offset);
    this.offset += 8;
    return this;
  }

  writeBool(value: boolean): this {
    this.reserve(1);
    this.buffer[this.offset++] = value ? 1 : 0;
    return this;
  }

  writeBuffer(value: Uint8Array | null): this {
    if (value === null) return this.writeInt(-1);
    this.writeInt(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  writeString(value: string | null): this {
    if (value === null) return this.writeInt(-1);
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.writeInt(byteLength);
    this.reserve(byteLength);
    this.buffer.write(value, this.offset, byteLength, 'utf8');
    this.offset += byteLength;
    return this;
  }

  writeVector<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    if (items === null) return this.writeInt(-1);
    this.writeInt(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  writeStringVector(items: readonly string[] | null): this {
    return this.writeVector(items, (writer, item) => writer.writeString(item));
  }

  /** Overwrites an int already written, e.g. a length prefix once the body is known. */
  patchInt(position: number, value: number): this {
    this.buffer.writeInt32BE(value, position);
    return this;
  }

  /** The bytes written so far. The writer must not be used afterwards. */
  finish(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  private reserve(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
