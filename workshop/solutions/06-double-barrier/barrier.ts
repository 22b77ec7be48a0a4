/** Exercise 6, reference solution: a double barrier with a "ready" node for the way in. */
import { isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';

const READY = 'ready';

export async function enterBarrier(
  client: ZooKeeperClient,
  barrierDirectory: string,
  member: string,
  size: number,
): Promise<void> {
  const readyPath = `${barrierDirectory}/${READY}`;
  await client.create(`${barrierDirectory}/${member}`, '', { mode: 'ephemeral' });
  for (;;) {
    // Watch "ready" before counting, so its creation between the count and the wait still wakes us.
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    if (await client.exists(readyPath, { watch: () => wake() })) return;
    const members = (await client.getChildren(barrierDirectory)).children.filter((name) => name !== READY);
    if (members.length >= size) {
      // The last to arrive opens the gate for all. A node, not a count: members that got through and
      // started leaving lower the count, but not the fact that the gate was opened.
      try {
        await client.create(readyPath);
      } catch (error) {
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      }
      return;
    }
    await changed;
  }
}

export async function leaveBarrier(
  client: ZooKeeperClient,
  barrierDirectory: string,
  member: string,
): Promise<void> {
  await client.delete(`${barrierDirectory}/${member}`);
  for (;;) {
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    const { children } = await client.getChildren(barrierDirectory, { watch: () => wake() });
    if (children.every((name) => name === READY)) break;
    await changed;
  }
  try {
    await client.delete(`${barrierDirectory}/${READY}`);
  } catch (error) {
    // Every member that leaves last-but-together tries this; one succeeds.
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
}
