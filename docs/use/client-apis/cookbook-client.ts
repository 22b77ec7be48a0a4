// The same tasks on this project's bare client, without recipes: what each recipe saves you from.
// Typechecked by the repository's tsc; included into docs/use/client-apis.md.
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { ZooKeeperError, sequenceNumber } from '@zk-cookbook/core/client';

// #region config
export async function watchConfigByHand(
  client: ZooKeeperClient,
  apply: (config: string) => void,
): Promise<void> {
  const read = async (): Promise<void> => {
    // A one-shot watch: between the event and this re-read, further changes collapse into one
    // (fine for config: we always read the latest), but a NONODE here would end the loop.
    const { data } = await client.getData('/config/billing', { watch: () => void read() });
    apply(data.toString());
  };
  await read();
}
// #endregion config

// #region lock
export async function lockByHand(client: ZooKeeperClient): Promise<() => Promise<void>> {
  // Wrong in a subtle way: if the create's reply is lost (CONNECTIONLOSS) the node may exist
  // anyway and we would wait behind our own orphan forever. Curator and our Mutex use
  // "protected" names (a GUID prefix) to find it again.
  const ours = await client.create('/locks/invoices/lock-', null, { mode: 'ephemeralSequential' });
  for (;;) {
    const { children } = await client.getChildren('/locks/invoices');
    const sorted = children.sort((a, b) => sequenceNumber(a) - sequenceNumber(b));
    const index = sorted.indexOf(ours.slice('/locks/invoices/'.length));
    if (index === 0) return () => client.delete(ours);
    // Watch only the predecessor (no herd effect); it may vanish before the watch is set.
    const predecessor = `/locks/invoices/${sorted[index - 1]}`;
    const gone = new Promise<void>((resolve) => {
      void client.exists(predecessor, { watch: () => resolve() }).then(
        (stat) => {
          if (stat === null) resolve();
        },
        (error: unknown) => {
          if (!(error instanceof ZooKeeperError)) throw error;
          resolve();
        },
      );
    });
    await gone;
  }
}
// #endregion lock
