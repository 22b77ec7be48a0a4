import { keyValueLines } from './numbers.ts';

/**
 * The answer to `conf`: the server's effective configuration as `key=value` lines, in order.
 * Values stay strings because keys vary by version and mode (a quorum member adds `server.N` lines,
 * `electionAlg`, `peerType`, ...); a map loses nothing and lets callers pick what they know.
 */
export function parseConf(text: string): ReadonlyMap<string, string> {
  return new Map(keyValueLines(text, '='));
}
