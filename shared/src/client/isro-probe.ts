import net from 'node:net';
import type { ServerAddress } from './connect-string.ts';

/** Enough for "rw", "ro" or "null"; anything longer is not an answer to isro. */
const MAX_ANSWER_BYTES = 16;

/**
 * Asks a server whether it serves writes, with the `isro` four-letter word: "rw" yes, "ro" read-only.
 * The client needs only this one word, while searching for a read-write server, so it carries its
 * own few lines rather than depend on the four-letter-word module. Never rejects: a server that is
 * down, slow or answers anything else yields null, which the search treats as "not this one".
 */
export function probeReadWrite(server: ServerAddress, timeoutMs: number): Promise<'rw' | 'ro' | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const socket = net.connect({ host: server.host, port: server.port });
    const finish = (answer: 'rw' | 'ro' | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('connect', () => socket.write('isro'));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received > MAX_ANSWER_BYTES) finish(null);
    });
    socket.on('end', () => {
      const answer = Buffer.concat(chunks).toString('latin1').trim();
      finish(answer === 'rw' || answer === 'ro' ? answer : null);
    });
    socket.on('error', () => finish(null));
  });
}
