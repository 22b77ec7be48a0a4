/**
 * A zxid is 64 bits: the leader's epoch in the high 32, a counter within that epoch in the low 32.
 * Files are named after one in hex (`log.100000001`, `snapshot.20000000a`).
 */
export interface ZxidParts {
  epoch: number;
  counter: number;
}

export function splitZxid(zxid: bigint): ZxidParts {
  return { epoch: Number(zxid >> 32n), counter: Number(zxid & 0xffff_ffffn) };
}

export function formatZxid(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}

const FILE_NAME = /^(log|snapshot)\.([0-9a-f]+)(\.[a-z]+)?$/i;

/** The zxid in a data file's name, or undefined for a name that is not one of ZooKeeper's. */
export function zxidFromFileName(name: string): { kind: 'log' | 'snapshot'; zxid: bigint } | undefined {
  const match = FILE_NAME.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  return { kind: match[1].toLowerCase() as 'log' | 'snapshot', zxid: BigInt(`0x${match[2]}`) };
}
