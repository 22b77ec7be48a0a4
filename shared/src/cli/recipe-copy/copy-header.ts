import { createHash } from 'node:crypto';

/**
 * The first lines of every copied file: where it came from, and a hash of what was written below
 * them. A later `add` recomputes the hash to tell a file the user changed (kept, unless --force)
 * from one left as copied (safe to update).
 */
const HASH_LINE = /^\/\/ zk-cookbook-sha256: ([0-9a-f]{64})$/;
const HEADER_LINES = 3;

export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function withHeader(body: string, origin: { path: string; version: string }): string {
  return (
    `// Copied by \`zk-cookbook add\` from ${origin.version}: src/${origin.path}\n` +
    `// Yours to change; \`add\` then leaves this file alone unless given --force.\n` +
    `// zk-cookbook-sha256: ${contentHash(body)}\n` +
    body
  );
}

export type CopiedFileState =
  /** carries our header and its body still hashes to it */
  | 'as-copied'
  /** carries our header, but the body was edited */
  | 'changed'
  /** no header of ours: written by someone else, or the header itself was edited */
  | 'foreign';

export function copiedFileState(text: string): CopiedFileState {
  const lines = text.split('\n');
  const hash = HASH_LINE.exec(lines[HEADER_LINES - 1] ?? '')?.[1];
  if (!hash || !lines[0]?.startsWith('// Copied by `zk-cookbook add')) return 'foreign';
  const body = lines.slice(HEADER_LINES).join('\n');
  return contentHash(body) === hash ? 'as-copied' : 'changed';
}
