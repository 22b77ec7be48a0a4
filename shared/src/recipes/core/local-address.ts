import { networkInterfaces } from 'node:os';

let cached: string | undefined;

/**
 * The first non-internal IPv4 address of this host, as ASCII — what Curator writes into lock and
 * queue nodes when no data is given, so nodes written here look the same to operators.
 */
export function localAddress(): string {
  if (cached !== undefined) return cached;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return (cached = address.address);
    }
  }
  return (cached = '127.0.0.1');
}
