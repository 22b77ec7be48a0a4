import type { ACL } from '../jute/records.ts';
import { nodeKind } from './node-kind.ts';
import type { SnapshotFile, SnapshotNode } from './snapshot.ts';
import { txnTypeName, type TxnBody } from './txn-records.ts';
import type { TxnLogFile } from './txn-log.ts';
import { formatZxid, splitZxid } from './zxid.ts';

/** Text a person reads: one line per transaction, and the tree as an indented outline. */

const MAX_DATA_SHOWN = 40;

export function formatData(data: Buffer | null): string {
  if (data === null) return 'null';
  const printable = /^[\x20-\x7e]*$/.test(data.toString('latin1'));
  if (printable) {
    const text = data.toString('latin1');
    return text.length > MAX_DATA_SHOWN
      ? `"${text.slice(0, MAX_DATA_SHOWN)}…" (${data.length} bytes)`
      : `"${text}"`;
  }
  return `0x${data.subarray(0, MAX_DATA_SHOWN / 2).toString('hex')}${data.length > MAX_DATA_SHOWN / 2 ? '…' : ''} (${data.length} bytes)`;
}

export function formatAcl(acl: readonly ACL[]): string {
  return acl.map((entry) => `${entry.id.scheme}:${entry.id.id}:${permsText(entry.perms)}`).join(',');
}

function permsText(perms: number): string {
  // The letters zkCli uses: read, write, create, delete, admin.
  return ['r', 'w', 'c', 'd', 'a'].filter((_, bit) => [1, 2, 4, 8, 16][bit]! & perms).join('');
}

export function describeBody(body: TxnBody): string {
  switch (body.kind) {
    case 'createSession':
      return `timeout ${body.timeoutMs} ms`;
    case 'closeSession':
      return body.ephemeralsToDelete ? `ephemerals [${body.ephemeralsToDelete.join(', ')}]` : '';
    case 'create':
      return `${body.path} ${formatData(body.data)}${body.ephemeral ? ' ephemeral' : ''} acl ${formatAcl(body.acl)} parentCversion ${body.parentCversion}`;
    case 'createContainer':
      return `${body.path} ${formatData(body.data)} container parentCversion ${body.parentCversion}`;
    case 'createTTL':
      return `${body.path} ${formatData(body.data)} ttl ${body.ttlMs} ms parentCversion ${body.parentCversion}`;
    case 'delete':
      return body.path;
    case 'setData':
      return `${body.path} ${formatData(body.data)} → version ${body.version}`;
    case 'setACL':
      return `${body.path} ${formatAcl(body.acl)} → aversion ${body.version}`;
    case 'check':
      return `${body.path} version ${body.version}`;
    case 'error':
      return `code ${body.code}`;
    case 'multi':
      return body.operations
        .map((operation) => `[${txnTypeName(operation.type)} ${describeBody(operation.body)}]`)
        .join(' ');
    case 'unknown':
      return `${body.bytes.length} undecoded bytes`;
  }
}

export function formatTxnLog(log: TxnLogFile): string {
  const lines = [`${log.file}: ${log.entries.length} transactions`];
  for (const entry of log.entries) {
    const { epoch, counter } = splitZxid(entry.header.zxid);
    lines.push(
      [
        formatZxid(entry.header.zxid).padEnd(12),
        `epoch ${epoch} #${counter}`.padEnd(14),
        new Date(entry.header.time).toISOString(),
        `session 0x${BigInt.asUintN(64, entry.header.clientId).toString(16)}`,
        `cxid ${entry.header.cxid}`.padEnd(9),
        txnTypeName(entry.header.type).padEnd(14),
        describeBody(entry.body),
      ].join('  '),
    );
  }
  if (log.truncatedAt !== undefined)
    lines.push(`(partial entry at byte ${log.truncatedAt}: a write cut short)`);
  lines.push(`(${log.unusedBytes} bytes pre-allocated after the last entry)`);
  return lines.join('\n');
}

export function formatSnapshot(snapshot: SnapshotFile): string {
  const lines = [
    `${snapshot.file}: ${snapshot.nodes.size} znodes, ${snapshot.sessions.length} sessions, ${snapshot.acls.size} ACL lists, checksum 0x${snapshot.checksum.toString(16)}`,
  ];
  if (snapshot.digest)
    lines.push(`digest at zxid ${formatZxid(snapshot.digest.zxid)}: ${snapshot.digest.value}`);
  if (snapshot.lastProcessedZxid !== undefined) {
    lines.push(`last processed zxid ${formatZxid(snapshot.lastProcessedZxid)}`);
  }
  for (const session of snapshot.sessions) {
    lines.push(
      `session 0x${BigInt.asUintN(64, session.sessionId).toString(16)} timeout ${session.timeoutMs} ms`,
    );
  }
  const root = snapshot.nodes.get('/');
  if (root) appendTree(snapshot, root, 0, lines);
  return lines.join('\n');
}

function appendTree(snapshot: SnapshotFile, node: SnapshotNode, depth: number, lines: string[]): void {
  const name = node.path === '/' ? '/' : node.path.slice(node.path.lastIndexOf('/') + 1);
  const kind = nodeKind(node.stat.ephemeralOwner);
  const kindText =
    kind.kind === 'ephemeral'
      ? ` ephemeral(0x${BigInt.asUintN(64, kind.sessionId).toString(16)})`
      : kind.kind === 'ttl'
        ? ` ttl(${kind.ttlMs} ms)`
        : kind.kind === 'container'
          ? ' container'
          : '';
  lines.push(
    `${'  '.repeat(depth)}${name} ${formatData(node.data)}${kindText} czxid ${formatZxid(node.stat.czxid)} mzxid ${formatZxid(node.stat.mzxid)} pzxid ${formatZxid(node.stat.pzxid)} v${node.stat.version} cv${node.stat.cversion} av${node.stat.aversion} acl ${formatAcl(node.acl)}`,
  );
  for (const child of [...node.children].sort()) {
    const childPath = node.path === '/' ? `/${child}` : `${node.path}/${child}`;
    const childNode = snapshot.nodes.get(childPath);
    if (childNode) appendTree(snapshot, childNode, depth + 1, lines);
  }
}
