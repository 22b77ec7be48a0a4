// Four-letter words: ZooKeeper's plain-text admin commands over the client port.
export { FOUR_LETTER_WORDS, isFourLetterWord, type FourLetterWord } from './words.ts';
export { FourLetterWordError, FourLetterParseError, type FourLetterWordFailure } from './errors.ts';
export {
  fourLetterWord,
  DEFAULT_FOUR_LETTER_TIMEOUT_MS,
  DEFAULT_MAX_ANSWER_BYTES,
  type FourLetterWordOptions,
} from './send-four-letter-word.ts';
export { FourLetterClient } from './four-letter-client.ts';
export {
  parseServerStats,
  isServerMode,
  SERVER_MODES,
  type ServerMode,
  type ServerStats,
  type ServingServerStats,
  type NotServingServerStats,
  type LatencyStats,
} from './server-stats.ts';
export {
  parseCons,
  parseConnectionLine,
  type ClientConnection,
  type ConnectionSession,
} from './connections.ts';
export { parseMntr, type Mntr } from './monitor.ts';
export { parseWchs, type WatchSummary } from './watches.ts';
export { parseConf } from './conf.ts';
export { parseIsro, parseRuok, type IsroAnswer } from './health.ts';
export { isNotServingAnswer, isNotWhitelistedAnswer } from './server-answers.ts';
