/**
 * The share of keys whose owner changed between two assignments (0..1): what a provider joining or
 * leaving costs the caches behind a sticky strategy.
 */
export function keysMoved(
  keys: readonly string[],
  ownerBefore: (key: string) => string | undefined,
  ownerAfter: (key: string) => string | undefined,
): number {
  if (keys.length === 0) return 0;
  let moved = 0;
  for (const key of keys) if (ownerBefore(key) !== ownerAfter(key)) moved++;
  return moved / keys.length;
}

/** `count` distinct sample keys ("key-0", "key-1", …). */
export function sampleKeys(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `key-${index}`);
}
