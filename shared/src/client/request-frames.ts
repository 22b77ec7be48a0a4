import { JuteWriter } from '../jute/writer.ts';
import { OpCode, SpecialXid } from '../jute/protocol.ts';
import { writeRequestHeader } from '../jute/records.ts';
import { writeAuthPacket, writeSetWatchesRequest, type WatchPaths } from '../jute/requests.ts';

/** ClientCnxn.SET_WATCHES_MAX_LENGTH: keep each SetWatches packet well under jute.maxbuffer. */
const SET_WATCHES_MAX_BYTES = 128 * 1024;

/** A length-prefixed request packet: header, then whatever the operation writes. */
export function encodeRequest(xid: number, opCode: number, writeBody?: (writer: JuteWriter) => void): Buffer {
  const writer = new JuteWriter(64);
  writer.writeInt(0);
  writeRequestHeader(writer, { xid, type: opCode });
  writeBody?.(writer);
  writer.patchInt(0, writer.length - 4);
  return writer.finish();
}

export function encodeAuth(scheme: string, auth: Uint8Array): Buffer {
  return encodeRequest(SpecialXid.auth, OpCode.auth, (writer) => writeAuthPacket(writer, scheme, auth));
}

/**
 * SetWatches packets for a resumed session. The server compares each watched node with
 * relativeZxid and fires at once for anything that changed while we were away, so no change
 * between disconnect and reconnect goes unnoticed.
 */
export function encodeSetWatches(relativeZxid: bigint, paths: WatchPaths): Buffer[] {
  const frames: Buffer[] = [];
  const kinds = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const;
  const withPersistent = paths.persistent.length > 0 || paths.persistentRecursive.length > 0;
  let batch: { [K in keyof WatchPaths]: string[] } = emptyBatch();
  let batchBytes = 0;
  const flush = (): void => {
    frames.push(
      encodeRequest(
        SpecialXid.setWatches,
        withPersistent ? OpCode.setWatches2 : OpCode.setWatches,
        (writer) => writeSetWatchesRequest(writer, relativeZxid, batch, withPersistent),
      ),
    );
    batch = emptyBatch();
    batchBytes = 0;
  };
  for (const kind of kinds) {
    for (const path of paths[kind]) {
      const size = Buffer.byteLength(path) + 4;
      if (batchBytes > 0 && batchBytes + size > SET_WATCHES_MAX_BYTES) flush();
      batch[kind].push(path);
      batchBytes += size;
    }
  }
  if (batchBytes > 0) flush();
  return frames;
}

function emptyBatch(): { [K in keyof WatchPaths]: string[] } {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}
