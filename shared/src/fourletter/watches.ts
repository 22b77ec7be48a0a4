import { FourLetterParseError } from './errors.ts';

/** The answer to `wchs`: how many connections watch how many paths. */
export interface WatchSummary {
  readonly connections: number;
  readonly paths: number;
  readonly totalWatches: number;
}

// "1 connections watching 2 paths\nTotal watches:2"
const SUMMARY = /(\d+) connections watching (\d+) paths\s+Total watches:\s*(\d+)/;

export function parseWchs(text: string): WatchSummary {
  const match = SUMMARY.exec(text);
  if (!match) throw new FourLetterParseError('wchs', 'no watch summary', text);
  return {
    connections: Number(match[1]),
    paths: Number(match[2]),
    totalWatches: Number(match[3]),
  };
}
