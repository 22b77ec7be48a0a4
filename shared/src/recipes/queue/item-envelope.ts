/**
 * Curator's queue item envelope (`ItemSerializer`): the data of every DistributedQueue node, and of its
 * priority, delay and id variants. SimpleDistributedQueue stores raw bytes instead.
 *
 * Big-endian layout, one envelope per znode, one or more items per envelope (putMulti):
 *
 * ```
 * 00 01 00 01            int32 version 0x00010001
 * 01 <int32 N> <N bytes> an item (repeated)
 * 02                     terminator
 * ```
 *
 * "hello" → `00010001 01 00000005 68656c6c6f 02`. Curator stops reading at the terminator, so we do
 * too; anything else — a wrong version, an unknown marker, a length running past the end — makes
 * the envelope corrupt, and the consumer reports it and drops the node as Curator does.
 */
export const ENVELOPE_VERSION = 0x00010001;
const ITEM_MARKER = 0x01;
const TERMINATOR = 0x02;

/** Bytes an envelope of items with these lengths takes: version, 5 per item, terminator. */
export function envelopeSize(itemLengths: readonly number[]): number {
  return 4 + itemLengths.reduce((total, length) => total + 5 + length, 0) + 1;
}

export function encodeEnvelope(items: readonly Uint8Array[]): Buffer {
  const envelope = Buffer.allocUnsafe(envelopeSize(items.map((item) => item.byteLength)));
  let offset = envelope.writeInt32BE(ENVELOPE_VERSION, 0);
  for (const item of items) {
    offset = envelope.writeUInt8(ITEM_MARKER, offset);
    offset = envelope.writeInt32BE(item.byteLength, offset);
    envelope.set(item, offset);
    offset += item.byteLength;
  }
  envelope.writeUInt8(TERMINATOR, offset);
  return envelope;
}

/** The envelope cannot be read; `offset` is where reading failed. */
export class CorruptEnvelopeError extends Error {
  override name = 'CorruptEnvelopeError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`corrupt queue item envelope at byte ${offset}: ${message}`);
  }
}

/** The items of an envelope, in order. Throws CorruptEnvelopeError for anything Curator would refuse. */
export function decodeEnvelope(bytes: Uint8Array): Buffer[] {
  const envelope = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (envelope.length < 4) throw new CorruptEnvelopeError(`only ${envelope.length} bytes`, 0);
  const version = envelope.readInt32BE(0);
  if (version !== ENVELOPE_VERSION) {
    throw new CorruptEnvelopeError(
      `version 0x${(version >>> 0).toString(16).padStart(8, '0')}, expected 0x00010001`,
      0,
    );
  }
  const items: Buffer[] = [];
  let offset = 4;
  for (;;) {
    if (offset >= envelope.length) throw new CorruptEnvelopeError('no terminator', offset);
    const marker = envelope[offset]!;
    if (marker === TERMINATOR) return items;
    if (marker !== ITEM_MARKER)
      throw new CorruptEnvelopeError(`unknown marker 0x${marker.toString(16)}`, offset);
    if (offset + 5 > envelope.length) throw new CorruptEnvelopeError('item length cut off', offset + 1);
    const length = envelope.readInt32BE(offset + 1);
    const start = offset + 5;
    if (length < 0 || start + length > envelope.length) {
      throw new CorruptEnvelopeError(`item length ${length} runs past the end`, offset + 1);
    }
    items.push(envelope.subarray(start, start + length));
    offset = start + length;
  }
}
