import { FOUR_LETTER_WORDS, FourLetterClient, type FourLetterWord } from '@zk-cookbook/core/fourletter';

/**
 * Asks one server every four-letter word and returns the answers as they came. Words with side
 * effects are sent only when asked for: crst and srst reset counters, stmk sets the trace mask.
 */
export async function captureAnswers(
  address: string,
  options: { includeSideEffects: boolean },
): Promise<Map<FourLetterWord, string>> {
  const client = FourLetterClient.forAddress(address, { timeoutMs: 5_000 });
  const answers = new Map<FourLetterWord, string>();
  for (const word of FOUR_LETTER_WORDS) {
    if (!options.includeSideEffects && (word === 'crst' || word === 'srst' || word === 'stmk')) continue;
    answers.set(word, await client.raw(word));
  }
  return answers;
}
