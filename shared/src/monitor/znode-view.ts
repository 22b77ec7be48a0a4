import { formatPerms, type ACL, type Stat } from '../client/index.ts';
import { hexZxid } from './member-status.ts';

/** Znode metadata in JSON-ready form: zxids and session ids as hex, times as ISO strings. */
export interface StatView {
  czxid: string;
  mzxid: string;
  pzxid: string;
  ctime: string;
  mtime: string;
  version: number;
  cversion: number;
  aversion: number;
  /** the owning session for an ephemeral node, null otherwise */
  ephemeralOwner: string | null;
  dataLength: number;
  numChildren: number;
}

export function statView(stat: Stat): StatView {
  return {
    czxid: hexZxid(stat.czxid),
    mzxid: hexZxid(stat.mzxid),
    pzxid: hexZxid(stat.pzxid),
    ctime: new Date(stat.ctime).toISOString(),
    mtime: new Date(stat.mtime).toISOString(),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: stat.ephemeralOwner === 0n ? null : hexZxid(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}

export interface AclView {
  scheme: string;
  id: string;
  /** zkCli's letters, e.g. "cdrwa" */
  perms: string;
}

export function aclView(acl: readonly ACL[]): AclView[] {
  return acl.map((entry) => ({ scheme: entry.id.scheme, id: entry.id.id, perms: formatPerms(entry.perms) }));
}

/**
 * Node data, offered three ways because znodes hold anything: `text` when the bytes are UTF-8
 * without control characters, `json` when that text parses, `hex` always. `format` is the view a
 * reader most likely wants. Previews stop at MAX_PREVIEW_BYTES (nodes may hold up to 1 MiB).
 */
export interface DataView {
  size: number;
  /** `null`: the node's data is null (zkCli's `create /path` without data), not merely empty */
  format: 'null' | 'empty' | 'json' | 'text' | 'binary';
  text: string | null;
  json?: unknown;
  hex: string;
  truncated: boolean;
}

export const MAX_PREVIEW_BYTES = 64 * 1024;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab, newline and carriage return mean "not text".
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function dataView(data: Uint8Array, dataIsNull = false): DataView {
  if (dataIsNull) return { size: 0, format: 'null', text: null, hex: '', truncated: false };
  const size = data.byteLength;
  const truncated = size > MAX_PREVIEW_BYTES;
  const preview = data.subarray(0, MAX_PREVIEW_BYTES);
  const hex = Buffer.from(preview.buffer, preview.byteOffset, preview.byteLength).toString('hex');
  if (size === 0) return { size, format: 'empty', text: '', hex, truncated };
  const text = decodeText(preview, truncated);
  if (text === null) return { size, format: 'binary', text: null, hex, truncated };
  if (!truncated) {
    try {
      return { size, format: 'json', text, json: JSON.parse(text) as unknown, hex, truncated };
    } catch {
      // plain text
    }
  }
  return { size, format: 'text', text, hex, truncated };
}

function decodeText(bytes: Uint8Array, truncated: boolean): string | null {
  // A cut preview may end inside a multi-byte character: drop up to 3 bytes of it before judging.
  const endings = truncated ? [0, 1, 2, 3] : [0];
  for (const drop of endings) {
    try {
      const text = utf8Decoder.decode(bytes.subarray(0, bytes.byteLength - drop));
      return CONTROL.test(text) ? null : text;
    } catch {
      // try a shorter cut
    }
  }
  return null;
}
