/**
 * Splits a command line the way zkCli does (ZooKeeperMain.MyCommandOptions.parseCommand), so that
 * lines copied from books and runbooks mean the same thing here:
 * - words are separated by whitespace;
 * - a word that *starts* with a double or single quote runs to the matching quote, which may enclose
 *   spaces; the quotes are removed (`"hello world"` → hello world, `""` → an empty word);
 * - quotes anywhere else are ordinary characters, so JSON needs no escaping: `{"a":1}` stays {"a":1};
 * - there are no backslash escapes.
 * An unmatched opening quote is skipped, as zkCli does: `"abc def` gives abc and def.
 */
const WORD = /\s*([^"'\s]\S*|"[^"]*"|'[^']*')\s*/g;
const QUOTED = /^(["'])([\s\S]*)\1$/;

export function tokenize(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(WORD)) {
    const word = match[1]!;
    const quoted = QUOTED.exec(word);
    words.push(quoted ? quoted[2]! : word);
  }
  return words;
}
