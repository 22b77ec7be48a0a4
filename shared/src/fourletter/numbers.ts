import { FourLetterParseError } from './errors.ts';

/**
 * Zxids and session ids are Java longs printed as unsigned hex (`Long.toHexString`), so "no zxid yet"
 * arrives as 0xffffffffffffffff. Reading them back as signed 64-bit restores -1n and matches what a
 * jute reader yields for the same field.
 */
export function parseJavaLongHex(word: string, text: string): bigint {
  const trimmed = text.trim();
  if (!/^0x[0-9a-f]{1,16}$/i.test(trimmed)) {
    throw new FourLetterParseError(word, `"${trimmed}" is not a 64-bit hex number`, text);
  }
  return BigInt.asIntN(64, BigInt(trimmed));
}

export function parseDecimal(word: string, text: string): number {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(trimmed)) {
    throw new FourLetterParseError(word, `"${trimmed}" is not a number`, text);
  }
  return Number(trimmed);
}

/** Splits `"Key: value"` / `"key=value"` lines, ignoring lines without the separator. */
export function keyValueLines(text: string, separator: string): Array<[key: string, value: string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (at <= 0) continue;
    pairs.push([line.slice(0, at).trim(), line.slice(at + separator.length).trim()]);
  }
  return pairs;
}
