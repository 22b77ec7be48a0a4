import type { Stat, ZooKeeperClient } from '../../client/index.ts';
import { ensurePath, isConnectionLossClass, isZooKeeperError, parentPath } from '../../client/index.ts';
import { retryIdempotent, waitForConnection } from './connection.ts';
import { RecipeError } from './errors.ts';

/** What a conditional write expects to find: the node at this version, or no node at all. */
export type Expected = { version: number } | 'absent';

export type ConditionalWriteResult =
  /** the write was applied; `stat` is the node's Stat after it */
  | { written: true; stat: Stat }
  /** someone else changed the node first (BADVERSION, NONODE, NODEEXISTS): nothing was written */
  | { written: false };

/**
 * The compare-and-set step of every counter-like recipe: `setData` with the expected version, or a
 * `create` (missing parents as containers) when the node is expected to be absent.
 *
 * A write whose reply is lost (connection loss, request timeout) is not sent again blindly: if it was
 * applied, a second attempt would fail on the version, the caller would re-read and apply its
 * increment a second time — which Curator's DistributedAtomicLong does, through its retry loop.
 * Instead, once connected again, the node is read back after a `sync` (so the server has every
 * committed write, ours included, and any write still in flight on the old connection is either
 * committed or refused by then). Still as expected: the write did not happen, and it is sent again.
 * Changed: our write or another client's happened, and nothing tells which, so this rejects with a
 * RecipeError UNKNOWN_OUTCOME — the caller must treat the update as "maybe applied".
 *
 * If `signal` fires while no write is in doubt, this rejects with the signal's reason; while one is,
 * with UNKNOWN_OUTCOME.
 */
export async function conditionalWrite(
  client: ZooKeeperClient,
  path: string,
  data: Uint8Array,
  expected: Expected,
  options: { recipe: string; signal: AbortSignal },
): Promise<ConditionalWriteResult> {
  const { signal } = options;
  for (;;) {
    signal.throwIfAborted();
    try {
      if (expected === 'absent') return { written: true, stat: (await client.create2(path, data)).stat };
      return { written: true, stat: await client.setData(path, data, { version: expected.version }) };
    } catch (error) {
      if (isZooKeeperError(error, 'BADVERSION', 'NODEEXISTS')) return { written: false };
      if (isZooKeeperError(error, 'NONODE')) {
        if (expected !== 'absent') return { written: false };
        await retryIdempotent(
          client,
          () => ensurePath(client, parentPath(path), { mode: 'container' }),
          signal,
        );
        continue;
      }
      // The server refused the request because the session had ended: it was not applied.
      if (isZooKeeperError(error, 'SESSIONEXPIRED')) {
        await waitForConnection(client, signal);
        continue;
      }
      if (!isConnectionLossClass(error)) throw error;
      if (!(await stillAsExpected(client, path, expected, signal, options.recipe, error))) {
        throw unknownOutcome(options.recipe, path, error);
      }
    }
  }
}

/** After a lost reply: reads the node back, once the server is known to be up to date. */
async function stillAsExpected(
  client: ZooKeeperClient,
  path: string,
  expected: Expected,
  signal: AbortSignal,
  recipe: string,
  writeError: unknown,
): Promise<boolean> {
  let current: Stat | null;
  try {
    current = await retryIdempotent(
      client,
      async () => {
        await client.sync(path);
        return client.exists(path);
      },
      signal,
    );
  } catch (error) {
    // Gave up (deadline, abort, closed client) with the write still in doubt.
    throw unknownOutcome(recipe, path, writeError, error);
  }
  return expected === 'absent' ? current === null : current?.version === expected.version;
}

function unknownOutcome(recipe: string, path: string, writeError: unknown, cause?: unknown): RecipeError {
  const reason = writeError instanceof Error ? writeError.message : String(writeError);
  return new RecipeError(
    'UNKNOWN_OUTCOME',
    recipe,
    path,
    `the reply to a write was lost (${reason}) and the node has changed since: the write may or may not have been applied`,
    { cause: cause ?? writeError },
  );
}
