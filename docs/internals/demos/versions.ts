import { ZooKeeperError, type Stat, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { quiet, type DemoLog } from './demo-log.ts';

/**
 * Versions (版本) and compare-and-set. Every znode counts three kinds of change in its Stat:
 * version (data), cversion (children), aversion (ACL). setData, delete and setACL take an
 * expected version; the server refuses the write with BADVERSION when it no longer matches,
 * so two clients that read the same version cannot both write over it (optimistic locking).
 * -1 means "whatever the version is".
 */
export interface VersionsOutcome {
  initial: Stat;
  afterFirstWrite: Stat;
  staleWriteError: string;
  afterChild: Stat;
  afterAcl: Stat;
}

export async function showVersionsAndCas(
  alice: ZooKeeperClient,
  bob: ZooKeeperClient,
  path: string,
  log: DemoLog = quiet,
): Promise<VersionsOutcome> {
  await alice.create(path, '0');
  const read = await alice.getData(path);
  const initial = read.stat;
  log(`both read ${path} at version ${initial.version}`);

  // Alice wins the race: her write names the version both of them read.
  const afterFirstWrite = await alice.setData(path, '1', { version: initial.version });
  log(
    `alice setData(version ${initial.version}) → version ${afterFirstWrite.version}, mzxid 0x${afterFirstWrite.mzxid.toString(16)}`,
  );

  // Bob's write names the same, now stale, version and is refused.
  const stale = await bob.setData(path, 'bob', { version: initial.version }).catch((error: unknown) => error);
  if (!(stale instanceof ZooKeeperError)) throw new Error('the stale write was accepted');
  log(`bob   setData(version ${initial.version}) → ${stale.code}`);

  await alice.create(`${path}/child`, null);
  const afterChild = (await alice.exists(path))!;
  log(
    `a child: cversion ${initial.cversion} → ${afterChild.cversion}, numChildren ${afterChild.numChildren}, pzxid 0x${afterChild.pzxid.toString(16)}`,
  );

  const { acl, stat } = await alice.getACL(path);
  const afterAcl = await alice.setACL(path, acl, { version: stat.aversion });
  log(`setACL: aversion ${stat.aversion} → ${afterAcl.aversion} (data version still ${afterAcl.version})`);

  return { initial, afterFirstWrite, staleWriteError: stale.code, afterChild, afterAcl };
}
