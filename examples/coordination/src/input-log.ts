import { readFile } from 'node:fs/promises';
import { CoordinationError } from './errors.ts';

/** One record of the input log: its offset (1, 2, 3, …) and its text. */
export interface InputRecord {
  readonly offset: number;
  readonly text: string;
}

/**
 * The input the task applies: a text file of numbered lines, `000042 transfer account=… qty=…`.
 * The numbers must run 1, 2, 3, … with no gap or repeat, because the checkpoint stores only the last
 * applied offset: record n is the n-th line, and "every record exactly once" is checked against it.
 */
export function parseInputLog(text: string, source = 'input log'): InputRecord[] {
  const records: InputRecord[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const match = /^(\d+) (.+)$/.exec(line);
    if (!match)
      throw new CoordinationError(
        'BAD_INPUT_LOG',
        `read ${source}`,
        `line ${index + 1} is not "<offset> <text>"`,
      );
    const offset = Number(match[1]);
    if (offset !== records.length + 1)
      throw new CoordinationError(
        'BAD_INPUT_LOG',
        `read ${source}`,
        `line ${index + 1} has offset ${offset}, expected ${records.length + 1}`,
      );
    records.push({ offset, text: match[2]! });
  }
  return records;
}

export async function readInputLog(file: string): Promise<InputRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CoordinationError('BAD_INPUT_LOG', `read ${file}`, (error as Error).message);
  }
  return parseInputLog(text, file);
}
