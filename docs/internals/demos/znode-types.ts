import type { ZooKeeperError } from '@zk-cookbook/core/client';
import { type Stat, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { quiet, waitFor, type DemoLog } from './demo-log.ts';

/**
 * The five kinds of znode (节点特性), each created under `base` and watched through its life:
 * - persistent: stays until deleted;
 * - ephemeral: tied to the creating session (ephemeralOwner = its id), gone when the session ends;
 * - sequential: the server appends a 10-digit counter taken from the parent's cversion;
 * - container: the server deletes it once its last child is gone (3.5.3+);
 * - TTL: the server deletes it when it has had no change and no child for ttl ms (3.5.3+, needs
 *   zookeeper.extendedTypesEnabled=true).
 * Containers and TTL nodes are reaped by the server's ContainerManager, which runs every
 * znode.container.checkIntervalMs (60 s by default; our ensembles use 500 ms).
 */
export interface ZnodeTypesOutcome {
  ephemeralOwner: bigint;
  ephemeralGoneAfterClose: boolean;
  sequentialNames: string[];
  containerReapedAfterLastChild: boolean;
  ttlReaped: boolean;
  persistentStat: Stat;
}

export async function showZnodeTypes(
  client: ZooKeeperClient,
  connectAnother: () => Promise<ZooKeeperClient>,
  base: string,
  log: DemoLog = quiet,
): Promise<ZnodeTypesOutcome> {
  await client.create(base, null);

  await client.create(`${base}/persistent`, 'stays');
  const persistentStat = (await client.exists(`${base}/persistent`))!;
  log(
    `persistent  czxid 0x${persistentStat.czxid.toString(16)} ephemeralOwner ${persistentStat.ephemeralOwner}`,
  );

  const owner = await connectAnother();
  await owner.create(`${base}/ephemeral`, 'mine', { mode: 'ephemeral' });
  const ephemeralOwner = (await client.exists(`${base}/ephemeral`))!.ephemeralOwner;
  log(
    `ephemeral   ephemeralOwner 0x${ephemeralOwner.toString(16)} = the owner's session 0x${owner.sessionId.toString(16)}`,
  );
  // An ephemeral cannot have children: they would outlive it.
  const childOfEphemeral = await owner
    .create(`${base}/ephemeral/child`, null)
    .catch((error: unknown) => error);
  log(`ephemeral   a child is refused: ${(childOfEphemeral as ZooKeeperError).code}`);
  await owner.close();
  // close() ends the session at once (no waiting for the timeout). Our client may sit on another
  // server that has not applied the closeSession yet: sync first, for read-your-writes across clients.
  await client.sync(`${base}/ephemeral`);
  const ephemeralGoneAfterClose = (await client.exists(`${base}/ephemeral`)) === null;
  log(`ephemeral   after the owner closed its session: ${ephemeralGoneAfterClose ? 'gone' : 'still there'}`);

  const sequentialNames: string[] = [];
  for (let i = 0; i < 3; i++) {
    const path = await client.create(`${base}/job-`, null, { mode: 'persistentSequential' });
    sequentialNames.push(path.slice(base.length + 1));
  }
  log(`sequential  ${sequentialNames.join(', ')} (the counter counts every child created under ${base})`);

  await client.create(`${base}/container`, null, { mode: 'container' });
  await client.create(`${base}/container/only-child`, null);
  await client.delete(`${base}/container/only-child`);
  const containerReapedAfterLastChild = await waitFor('the container to be reaped', async () =>
    (await client.exists(`${base}/container`)) === null ? true : undefined,
  );
  log('container   deleted by the server after its last child went');

  await client.create(`${base}/ttl`, 'short-lived', { mode: 'persistentWithTtl', ttlMs: 500 });
  const ttlReaped = await waitFor('the TTL node to expire', async () =>
    (await client.exists(`${base}/ttl`)) === null ? true : undefined,
  );
  log('ttl         deleted by the server 500 ms after its last change');

  return {
    ephemeralOwner,
    ephemeralGoneAfterClose,
    sequentialNames,
    containerReapedAfterLastChild,
    ttlReaped,
    persistentStat,
  };
}
