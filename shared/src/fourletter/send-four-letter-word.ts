import { connect } from 'node:net';
import { FourLetterWordError } from './errors.ts';
import { isNotWhitelistedAnswer } from './server-answers.ts';
import type { FourLetterWord } from './words.ts';

export interface FourLetterWordOptions {
  /** Deadline for the whole exchange: connect, write and read until the server closes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Largest answer accepted. `cons` on a server with 10,000 connections is about 3 MB; whatever
   * streams more than this is not a four-letter-word answer and is not buffered to the deadline.
   */
  maxAnswerBytes?: number;
}

export const DEFAULT_FOUR_LETTER_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * Sends one four-letter word and returns the server's raw answer.
 *
 * The protocol has no framing: the server writes its answer and closes the connection, so the answer
 * is complete only when the socket ends. One deadline covers the whole exchange because a paused
 * server accepts the TCP connection (the kernel completes the handshake) and then never answers.
 */
export function fourLetterWord(
  host: string,
  port: number,
  word: FourLetterWord,
  {
    timeoutMs = DEFAULT_FOUR_LETTER_TIMEOUT_MS,
    signal,
    maxAnswerBytes = DEFAULT_MAX_ANSWER_BYTES,
  }: FourLetterWordOptions = {},
): Promise<string> {
  const failure = (reason: FourLetterWordError['reason'], detail: string, cause?: unknown) =>
    new FourLetterWordError(reason, word, host, port, detail, cause === undefined ? undefined : { cause });

  if (signal?.aborted) return Promise.reject(failure('aborted', 'aborted before connecting', signal.reason));

  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const socket = connect({ host, port });

    const settle = (outcome: { answer: string } | { error: FourLetterWordError }) => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.answer);
    };
    const onAbort = () => settle({ error: failure('aborted', 'aborted', signal?.reason) });
    const deadline = setTimeout(
      () => settle({ error: failure('timeout', `no complete answer within ${timeoutMs} ms`) }),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    // Write without half-closing: a server that sees end-of-stream before it has answered may drop
    // the answer along with the connection.
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxAnswerBytes) {
        chunks.length = 0;
        settle({
          error: failure('unexpected-answer', `answer of more than ${maxAnswerBytes} bytes (maxAnswerBytes)`),
        });
        return;
      }
      chunks.push(chunk);
    });
    socket.on('end', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      if (isNotWhitelistedAnswer(answer)) {
        settle({
          error: failure(
            'not-whitelisted',
            `the server refuses "${word}": add it to 4lw.commands.whitelist (answer: ${answer.trim()})`,
          ),
        });
      } else {
        settle({ answer });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        settle({ error: failure('refused', 'connection refused (is the server running?)', error) });
      } else {
        settle({ error: failure('connection', `${error.code ?? 'socket error'}: ${error.message}`, error) });
      }
    });
  });
}
