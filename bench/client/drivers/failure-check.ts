import { isUnsupported, type ClientDriver } from './driver.ts';

/**
 * Proves, before anything is timed, that the driver reports failure: requests the server must refuse
 * have to reject. A driver that resolved them would count failed requests as done ones, and every
 * number of its run would be worthless. `existingPath` must exist; nothing is created or changed.
 */
export async function assertFailuresSurface(driver: ClientDriver, existingPath: string): Promise<void> {
  const missing = `${existingPath}/no-such-node-${process.pid}`;
  const refused: [string, () => Promise<unknown>][] = [
    ['create of an existing node', () => driver.create(existingPath, Buffer.alloc(0))],
    ['getData of a missing node', () => driver.getData(missing)],
    ['exists of a missing node', () => driver.exists(missing)],
    ['setData of a missing node', () => driver.setData(missing, Buffer.alloc(0))],
  ];
  const { createAll } = driver;
  if (!isUnsupported(createAll)) {
    // atomic: the first create must not be applied when the second fails
    refused.push([
      'multi with a create of an existing node',
      () => createAll([missing, existingPath], Buffer.alloc(0)),
    ]);
  }
  for (const [what, request] of refused) {
    const outcome = await request().then(
      () => 'resolved',
      () => 'rejected',
    );
    if (outcome !== 'rejected') {
      throw new Error(`${driver.clientVersion}: ${what} ${outcome}; the driver does not report failures`);
    }
  }
  await driver.exists(missing).then(
    () => {
      throw new Error(`${driver.clientVersion}: a failed multi left ${missing} behind`);
    },
    () => undefined,
  );
}
