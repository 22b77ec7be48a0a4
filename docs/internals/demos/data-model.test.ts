import { inject, describe, expect, it } from 'vitest';
import { connectCuttable, useZooKeeper } from '@zk-cookbook/core/testing';
import { showAclSchemes } from './acl-schemes.ts';
import { showVersionsAndCas } from './versions.ts';
import { showWatches } from './watches.ts';
import { showZnodeTypes } from './znode-types.ts';

describe('the data model, shown on the shared ensemble', () => {
  const zk = useZooKeeper('internals-data-model');

  it('znode types: ephemeral dies with its session, sequential counts, container and TTL nodes are reaped', async () => {
    const client = await zk.connect();
    const outcome = await showZnodeTypes(client, () => zk.connect(), '/types');
    expect(outcome.persistentStat.ephemeralOwner).toBe(0n);
    expect(outcome.ephemeralOwner).not.toBe(0n);
    expect(outcome.ephemeralGoneAfterClose).toBe(true);
    // The counter comes from the parent's cversion: 2 children were created before (persistent, ephemeral).
    expect(outcome.sequentialNames).toEqual(['job-0000000002', 'job-0000000003', 'job-0000000004']);
    expect(outcome.containerReapedAfterLastChild).toBe(true);
    expect(outcome.ttlReaped).toBe(true);
  });

  it('versions: a setData naming a stale version fails with BADVERSION', async () => {
    const outcome = await showVersionsAndCas(await zk.connect(), await zk.connect(), '/cas');
    expect(outcome.initial.version).toBe(0);
    expect(outcome.afterFirstWrite.version).toBe(1);
    expect(outcome.staleWriteError).toBe('BADVERSION');
    expect(outcome.afterChild.cversion).toBe(outcome.initial.cversion + 1);
    expect(outcome.afterChild.pzxid).toBeGreaterThan(outcome.afterFirstWrite.mzxid);
    expect(outcome.afterAcl.aversion).toBe(1);
    expect(outcome.afterAcl.version).toBe(1);
  });

  it('ACL schemes: world, digest, ip, auth and super each let in exactly whom they name', async () => {
    const superAuth = inject('zkSuperAuth') || undefined;
    const outcome = await showAclSchemes(
      await zk.connect(),
      await zk.connect(),
      (auth) => zk.connect({ auth }),
      '/acl',
      superAuth,
    );
    expect(outcome.world).toEqual({ allowed: true });
    expect(outcome.digest).toEqual({ allowed: true, refused: 'NOAUTH' });
    expect(outcome.ip).toEqual({ allowed: true, refused: 'NOAUTH' });
    expect(outcome.auth?.allowed).toBe(true);
    expect(outcome.auth?.refused).toBe('NOAUTH');
    expect(outcome.auth?.unauthenticatedCreate).toBe('INVALIDACL');
    expect(outcome.auth?.stored).toMatch(/^digest:bob:[A-Za-z0-9+/=]+:/);
    // The global setup always starts a super user; an external ensemble (ZK_CONNECT) may not have one.
    if (superAuth) expect(outcome.super).toEqual({ allowed: true });
  });

  it('watches: one-shot vs persistent, what each read arms, and what a disconnected client misses', async () => {
    const cuttable = await connectCuttable(zk);
    try {
      const outcome = await showWatches(
        await zk.connect(),
        await zk.connect(),
        {
          client: cuttable.client,
          cut: () => cuttable.cut(),
          restore: async () => {
            cuttable.restore();
            await cuttable.recorder.waitFor('reconnected');
          },
        },
        '/watches',
      );
      expect(outcome.oneShot).toEqual(['dataChanged /watches/config']);
      expect(outcome.persistent).toEqual(['dataChanged /watches/config', 'dataChanged /watches/config']);
      expect(outcome.armedBy).toEqual({
        getData: ['dataChanged /watches/parent/child'],
        exists: ['created /watches/parent/new'],
        getChildren: ['childrenChanged /watches/parent'],
      });
      expect(outcome.whileDisconnected).toEqual({
        oneShotData: ['dataChanged /watches/config'],
        existsCreatedAndDeleted: [],
        persistent: [],
      });
    } finally {
      await cuttable.close();
    }
  });
});
