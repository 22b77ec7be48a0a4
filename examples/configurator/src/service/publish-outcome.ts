import { isZooKeeperError, op, type ACL, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { HttpError } from '@zk-cookbook/core/http';
import type { ConfiguratorLayout } from '../layout.ts';
import { encodeRecord, parseRecord, versionRecord, type KeyRecord } from '../records.ts';
import type { KeyState } from './key-state.ts';

/**
 * A publish whose reply never came (CONNECTIONLOSS, a timeout, the session expired) may or may not
 * have committed: ZooKeeper may have applied the multi and lost only the answer. Guessing either
 * way is wrong — "failed" makes the editor publish twice, "done" may be a lie — so the service finds
 * out, and answers only once it knows:
 *
 * 1. Wait for the session, then `sync` so that this server has everything the leader committed.
 * 2. Read the version node the publish would have created. It carries the publish's unique id: ours
 *    there → it happened (once: the number was taken by exactly one multi).
 * 3. Not there → make sure it never will be. The lost multi checked the key node's version; if the
 *    key node has moved on, that check can no longer pass. If it has not, move it on ourselves (a
 *    setData with the version we read — a fence), and only then answer "not published". Without the
 *    fence, a request still queued somewhere could commit after we said it had not.
 *
 * Throws 503 PUBLISH_NOT_APPLIED (safe to retry, even with the same publish id) or, when the
 * ensemble stays out of reach past the deadline, 503 PUBLISH_OUTCOME_UNKNOWN (retry with the same
 * publish id: a retry of a publish that did happen returns it instead of publishing twice).
 */
export async function resolveAmbiguousPublish(
  writer: ZooKeeperClient,
  layout: ConfiguratorLayout,
  {
    state,
    version,
    publishId,
    cause,
    timeoutMs,
    acl,
  }: {
    state: KeyState;
    version: number;
    publishId: string;
    cause: string;
    timeoutMs: number;
    acl: readonly ACL[];
  },
): Promise<void> {
  const { namespace, key } = state;
  const keyPath = layout.key(namespace, key);
  const versionPath = layout.version(namespace, key, version);
  const expectedKeyVersion = state.keyNode?.stat.version;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const notApplied = () =>
    new HttpError(
      503,
      'PUBLISH_NOT_APPLIED',
      `the publish was not applied (its reply was lost: ${cause}); it is safe to publish again`,
      { outcome: 'not-published', publishId, cause },
      { 'Retry-After': '1' },
    );
  try {
    for (;;) {
      await writer.waitForConnected({ timeoutMs: left() });
      await writer.sync(keyPath, { timeoutMs: left() });
      const [keyNode, versionNode] = await writer.multiRead(
        [
          { type: 'getData', path: keyPath },
          { type: 'getData', path: versionPath },
        ],
        { timeoutMs: left() },
      );
      if (versionNode?.type === 'getData') {
        if (parseRecord(versionRecord, versionNode.data, versionPath).publishId === publishId) return;
        // Another publish took the number: ours checked the same key version and cannot commit.
        throw notApplied();
      }
      if (keyNode?.type === 'getData') {
        if (keyNode.stat.version !== expectedKeyVersion) throw notApplied();
        try {
          await writer.setData(keyPath, keyNode.data, { version: keyNode.stat.version, timeoutMs: left() });
          throw notApplied();
        } catch (error) {
          // Something moved the key between our read and the fence: read again, it may be ours.
          if (isZooKeeperError(error, 'BADVERSION')) continue;
          throw error;
        }
      }
      // The lost publish was the key's first: it would have created the key node. Creating it
      // empty is the fence.
      try {
        await writer.multi(
          [
            op.create(keyPath, encodeRecord({ latest: 0, recent: [] } satisfies KeyRecord), { acl }),
            op.create(layout.versions(namespace, key), undefined, { acl }),
          ],
          { timeoutMs: left() },
        );
        throw notApplied();
      } catch (error) {
        if (isZooKeeperError(error, 'NODEEXISTS')) continue;
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      503,
      'PUBLISH_OUTCOME_UNKNOWN',
      `the publish's reply was lost (${cause}) and ZooKeeper could not be asked in time whether it happened; ` +
        `retry with the same publishId: it is published at most once`,
      { outcome: 'unknown', publishId, cause, detail: (error as Error).message },
      { 'Retry-After': '1' },
    );
  }
}
