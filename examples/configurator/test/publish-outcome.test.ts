import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZooKeeperError, op, ZooKeeperClient } from '@zk-cookbook/core/client';
import { HttpError } from '@zk-cookbook/core/http';
import { useZooKeeper } from '@zk-cookbook/core/testing';
import { ConfiguratorLayout, ConfigStore, editorAcl, parseEditors } from '../src/index.ts';
import { readKeyState } from '../src/service/key-state.ts';
import { resolveAmbiguousPublish } from '../src/service/publish-outcome.ts';
import { encodeRecord } from '../src/records.ts';

// How the service settles a publish whose reply was lost, driven step by step: the lost multi is
// either applied by hand (the reply was lost after the commit) or held back (it never arrived, or
// is still on its way), and then resolveAmbiguousPublish must tell which — and make "not applied"
// final.
const zk = useZooKeeper('configurator-publish-outcome');
const editors = parseEditors({ passwords: 'alice:alice-secret' });
const acl = editorAcl(editors);

describe('settling a publish whose reply was lost', () => {
  let writer: ZooKeeperClient;
  let store: ConfigStore;
  const layout = new ConfiguratorLayout();

  beforeAll(async () => {
    writer = await ZooKeeperClient.connect(zk.connectString, {
      auth: [{ scheme: 'digest', auth: 'alice:alice-secret' }],
    });
    store = new ConfigStore({ client: writer, layout, editors, logger: pino({ level: 'silent' }) });
    await store.ensureLayout();
    await store.createNamespace(writer, { name: 'ns', description: '', schema: null, author: 'alice' });
    await store.publish(writer, { namespace: 'ns', key: 'k', value: 1, message: 'first', author: 'alice' });
  });

  afterAll(async () => {
    await writer?.close();
  });

  /** The multi a publish of version 2 sends, as of `state`. */
  const lostPublish = async (publishId: string) => {
    const state = await readKeyState(writer, layout, 'ns', 'k');
    const ops = [
      op.setData(
        layout.key('ns', 'k'),
        encodeRecord({ latest: 2, recent: [{ publishId, version: 2 }] }),
        state.keyNode!.stat.version,
      ),
      op.create(
        layout.version('ns', 'k', 2),
        encodeRecord({
          version: 2,
          value: 2,
          author: 'alice',
          message: 'm',
          publishedAt: new Date().toISOString(),
          publishId,
          kind: 'publish',
        }),
        { acl },
      ),
      op.setData(
        layout.current('ns', 'k'),
        encodeRecord({ version: 2, publishId, movedBy: 'alice', movedAt: 'now' }),
        state.current!.stat.version,
      ),
    ];
    return { state, ops };
  };
  const settle = (state: Awaited<ReturnType<typeof lostPublish>>['state'], publishId: string) =>
    resolveAmbiguousPublish(writer, layout, {
      state,
      version: 2,
      publishId,
      cause: 'CONNECTIONLOSS',
      timeoutMs: 5_000,
      acl,
    });

  it('says "not applied" when the publish never committed, and fences it so that it never can', async () => {
    const { state, ops } = await lostPublish('never-arrived-1');
    const error = await settle(state, 'never-arrived-1').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 503,
      code: 'PUBLISH_NOT_APPLIED',
      details: { outcome: 'not-published' },
    });
    // The lost request arrives after all (it was queued somewhere): the fence makes it fail whole.
    await expect(writer.multi(ops)).rejects.toSatisfy((failure) => isZooKeeperError(failure, 'BADVERSION'));
    expect((await readKeyState(writer, layout, 'ns', 'k')).current!.record.version).toBe(1);
    expect(await writer.exists(layout.version('ns', 'k', 2))).toBeNull();
  });

  it('says "published" when the publish committed and only its reply was lost', async () => {
    const { state, ops } = await lostPublish('reply-lost-1');
    await writer.multi(ops);
    await expect(settle(state, 'reply-lost-1')).resolves.toBeUndefined();
    expect((await readKeyState(writer, layout, 'ns', 'k')).current!.record).toMatchObject({
      version: 2,
      publishId: 'reply-lost-1',
    });
  });

  it('says "not applied" when another publish took the number meanwhile', async () => {
    const state = await readKeyState(writer, layout, 'ns', 'k');
    await store.publish(writer, {
      namespace: 'ns',
      key: 'k',
      value: 3,
      message: 'someone else',
      author: 'alice',
      publishId: 'the-winner-1',
    });
    await expect(
      resolveAmbiguousPublish(writer, layout, {
        state,
        version: 3,
        publishId: 'the-loser-1',
        cause: 'CONNECTIONLOSS',
        timeoutMs: 5_000,
        acl,
      }),
    ).rejects.toMatchObject({ code: 'PUBLISH_NOT_APPLIED' });
  });

  it('fences a lost first publish of a key by creating the key empty', async () => {
    const state = await readKeyState(writer, layout, 'ns', 'fresh');
    expect(state.keyNode).toBeUndefined();
    await expect(
      resolveAmbiguousPublish(writer, layout, {
        state,
        version: 1,
        publishId: 'first-lost-1',
        cause: 'CONNECTIONLOSS',
        timeoutMs: 5_000,
        acl,
      }),
    ).rejects.toMatchObject({ code: 'PUBLISH_NOT_APPLIED' });
    // The key exists with nothing published; the next publish is version 1 all the same.
    const next = await store.publish(writer, {
      namespace: 'ns',
      key: 'fresh',
      value: 'v',
      message: 'again',
      author: 'alice',
    });
    expect(next.version.version).toBe(1);
  });
});
