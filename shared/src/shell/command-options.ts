/**
 * Option parsing per command, following Apache commons-cli as zkCli uses it, so that the same lines
 * parse the same way: single-letter options may come anywhere on the line (`removewatches /w -d`),
 * flags may be grouped (`create -es /x`), a value may follow with or without a space (`-v 3`, `-v3`),
 * and `--` ends the options so that data can start with a dash (`set /x -- -1`).
 */
export type OptionKind = 'flag' | 'value';
export type OptionSpec = Readonly<Record<string, OptionKind>>;

export interface ParsedOptions {
  /** flags map to true, value options to their value; the last occurrence wins */
  options: Map<string, string | true>;
  /** the positional arguments, in order */
  args: string[];
}

export class OptionError extends Error {
  override name = 'OptionError';
}

export function parseOptions(words: readonly string[], spec: OptionSpec): ParsedOptions {
  const options = new Map<string, string | true>();
  const args: string[] = [];
  let optionsEnded = false;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (optionsEnded || word === '-' || !word.startsWith('-')) {
      args.push(word);
      continue;
    }
    if (word === '--') {
      optionsEnded = true;
      continue;
    }
    if (word.startsWith('--')) throw new OptionError(`Unrecognized option: ${word}`);
    // A group of letters: each is a flag, except that a value option takes the rest of the word
    // (or, when it is last, the next word) as its value.
    for (let position = 1; position < word.length; position++) {
      const letter = word[position]!;
      const kind = spec[letter];
      if (kind === undefined) {
        throw new OptionError(`Unrecognized option: ${position === 1 ? word : `-${letter}`}`);
      }
      if (kind === 'flag') {
        options.set(letter, true);
        continue;
      }
      const rest = word.slice(position + 1);
      if (rest) options.set(letter, rest);
      else {
        const next = words[index + 1];
        if (next === undefined) throw new OptionError(`Missing argument for option: ${letter}`);
        options.set(letter, next);
        index++;
      }
      break;
    }
  }
  return { options, args };
}
