// Fixed sentences a server answers instead of the data asked for. Matching them in one place keeps
// every parser from mistaking them for (empty) data.

const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';
const NOT_WHITELISTED = /^(\w{4}) is not executed because it is not in the whitelist\.?\s*$/;

/** A server that is up but has no quorum (or is still syncing) answers this to most words. */
export function isNotServingAnswer(text: string): boolean {
  return text.trim() === NOT_SERVING;
}

export function isNotWhitelistedAnswer(text: string): boolean {
  return NOT_WHITELISTED.test(text.trim());
}
