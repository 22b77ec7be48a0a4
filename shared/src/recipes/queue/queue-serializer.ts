/**
 * Turns queue items into bytes and back (Curator's QueueSerializer). The bytes of each item go into
 * the envelope (item-envelope.ts); both sides of a queue must agree on the serializer.
 */
export interface QueueSerializer<T> {
  serialize(item: T): Uint8Array;
  /** may throw: the consumer then reports the queue node as corrupt */
  deserialize(bytes: Buffer): T;
}

/** Items are bytes (Buffer or Uint8Array in, Buffer out). The default. */
export const bytesSerializer: QueueSerializer<Buffer> = {
  serialize: (item) => item,
  deserialize: (bytes) => bytes,
};

/** Items are strings, as UTF-8 (what a Curator queue with a String serializer stores). */
export const stringSerializer: QueueSerializer<string> = {
  serialize: (item) => Buffer.from(item, 'utf8'),
  deserialize: (bytes) => bytes.toString('utf8'),
};

/** Items are JSON values, as UTF-8 JSON text. */
export function jsonSerializer<T>(): QueueSerializer<T> {
  return {
    serialize: (item) => Buffer.from(JSON.stringify(item), 'utf8'),
    deserialize: (bytes) => JSON.parse(bytes.toString('utf8')) as T,
  };
}
