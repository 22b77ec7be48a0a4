/**
 * The four-letter words a ZooKeeper 3.5+ server understands. Since 3.5.3 each must also be listed in the
 * server's `4lw.commands.whitelist`; the local ensemble allows all of them.
 */
export const FOUR_LETTER_WORDS = [
  'conf',
  'cons',
  'crst',
  'dirs',
  'dump',
  'envi',
  'gtmk',
  'hash',
  'isro',
  'mntr',
  'ruok',
  'srst',
  'srvr',
  'stat',
  'stmk',
  'wchc',
  'wchp',
  'wchs',
] as const;

export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

export function isFourLetterWord(word: string): word is FourLetterWord {
  return (FOUR_LETTER_WORDS as readonly string[]).includes(word);
}
