/**
 * The order contenders run in, round by round: rotated, so no contender always goes first (into a
 * cold server, right after an ensemble start) or always follows the same neighbour.
 *
 *   roundOrder(['ts', 'java'], 0) → ['ts', 'java']
 *   roundOrder(['ts', 'java'], 1) → ['java', 'ts']
 */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  if (!Number.isInteger(round) || round < 0) throw new RangeError(`round must be >= 0, got ${round}`);
  if (contenders.length === 0) return [];
  const shift = round % contenders.length;
  return [...contenders.slice(shift), ...contenders.slice(0, shift)];
}
