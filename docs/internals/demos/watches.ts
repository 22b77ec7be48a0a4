import type { WatchedEvent, ZooKeeperClient } from '@zk-cookbook/core/client';
import { quiet, waitFor, type DemoLog } from './demo-log.ts';

/**
 * Watches (Watcher): a client asks to be told about the next change to a node. What the demo shows:
 * - a one-shot watch (getData/exists/getChildren with a watcher) fires once, then is gone; a change
 *   made after it fired and before the client set a new one is never reported;
 * - a persistent watch (addWatch, 3.6+) stays and fires for every change;
 * - which event a read arms: getData → dataChanged/deleted, exists on a missing node → created,
 *   getChildren → childrenChanged (not a child's data change);
 * - while the client is disconnected nothing is delivered. On reconnect the client sends its watches
 *   with the last zxid it saw (setWatches); the server compares each node with that zxid and fires
 *   one catch-up event for a one-shot watch whose node changed — however many times it changed — and
 *   nothing for a node created and deleted meanwhile, nor for a persistent watch (its missed events
 *   are lost; the reader must re-read).
 *
 * Absence is proven without sleeping: events of one session arrive in order, so once a later
 * "marker" event has arrived, any earlier event would have arrived before it.
 */
export interface WatchesOutcome {
  oneShot: string[];
  persistent: string[];
  armedBy: Record<'getData' | 'exists' | 'getChildren', string[]>;
  whileDisconnected: { oneShotData: string[]; existsCreatedAndDeleted: string[]; persistent: string[] };
}

export interface Cuttable {
  /** a client whose connection the demo can cut */
  client: ZooKeeperClient;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

function recorder(): { events: string[]; watcher: (event: WatchedEvent) => void } {
  const events: string[] = [];
  return { events, watcher: (event) => events.push(`${event.type} ${event.path}`) };
}

async function marker(client: ZooKeeperClient, writer: ZooKeeperClient, path: string): Promise<void> {
  const seen = recorder();
  await client.exists(path, { watch: seen.watcher });
  await writer.create(path, null);
  await waitFor(`the marker event on ${path}`, async () => (seen.events.length > 0 ? true : undefined));
}

export async function showWatches(
  client: ZooKeeperClient,
  writer: ZooKeeperClient,
  cuttable: Cuttable,
  base: string,
  log: DemoLog = quiet,
): Promise<WatchesOutcome> {
  await writer.create(base, null);
  await writer.create(`${base}/config`, 'v1');

  // The readers may sit on servers that have not applied the writer's creates yet.
  await Promise.all([client.sync(base), cuttable.client.sync(base)]);
  const oneShot = recorder();
  await client.getData(`${base}/config`, { watch: oneShot.watcher });
  const persistent = recorder();
  await client.addWatch(`${base}/config`, persistent.watcher, { mode: 'persistent' });
  await writer.setData(`${base}/config`, 'v2');
  await writer.setData(`${base}/config`, 'v3');
  await marker(client, writer, `${base}/marker-1`);
  log(
    `two setData: one-shot watch saw [${oneShot.events.join('; ')}], persistent saw [${persistent.events.join('; ')}]`,
  );
  const seenOneShot = [...oneShot.events];
  const seenPersistent = [...persistent.events];
  // A persistent watch lasts until removed (or the session ends); removing it is itself an event.
  await client.removeWatches(`${base}/config`, 'any');

  const armed = { getData: recorder(), exists: recorder(), getChildren: recorder() };
  await writer.create(`${base}/parent`, null);
  await writer.create(`${base}/parent/child`, 'a');
  await client.sync(`${base}/parent`);
  await client.getData(`${base}/parent/child`, { watch: armed.getData.watcher });
  await client.exists(`${base}/parent/new`, { watch: armed.exists.watcher });
  await client.getChildren(`${base}/parent`, { watch: armed.getChildren.watcher });
  await writer.setData(`${base}/parent/child`, 'b'); // fires getData's watch, not getChildren's
  await writer.create(`${base}/parent/new`, null); // fires exists's and getChildren's
  await marker(client, writer, `${base}/marker-2`);
  for (const [read, seen] of Object.entries(armed))
    log(`${read.padEnd(11)} armed a watch that saw [${seen.events.join('; ')}]`);

  // While disconnected.
  const away = cuttable.client;
  const missed = { oneShotData: recorder(), existsCreatedAndDeleted: recorder(), persistent: recorder() };
  await away.getData(`${base}/config`, { watch: missed.oneShotData.watcher });
  await away.exists(`${base}/flicker`, { watch: missed.existsCreatedAndDeleted.watcher });
  // On its own node: a one-shot watch's catch-up event is delivered to every watcher of its path,
  // persistent ones included, which would hide what the persistent watch itself gets.
  await writer.create(`${base}/feed`, 'f1');
  await away.sync(`${base}/feed`);
  await away.addWatch(`${base}/feed`, missed.persistent.watcher, { mode: 'persistent' });
  await cuttable.cut();
  await writer.setData(`${base}/config`, 'v4');
  await writer.setData(`${base}/config`, 'v5');
  await writer.create(`${base}/flicker`, null);
  await writer.delete(`${base}/flicker`);
  await writer.setData(`${base}/feed`, 'f2');
  await writer.setData(`${base}/feed`, 'f3');
  await cuttable.restore();
  await marker(away, writer, `${base}/marker-3`);
  log(
    `while disconnected (2 setData on each of two nodes, 1 create+delete): one-shot data watch got [${missed.oneShotData.events.join('; ')}], ` +
      `exists watch got [${missed.existsCreatedAndDeleted.events.join('; ')}], persistent watch got [${missed.persistent.events.join('; ')}]`,
  );

  return {
    oneShot: seenOneShot,
    persistent: seenPersistent,
    armedBy: {
      getData: armed.getData.events,
      exists: armed.exists.events,
      getChildren: armed.getChildren.events,
    },
    whileDisconnected: {
      oneShotData: missed.oneShotData.events,
      existsCreatedAndDeleted: missed.existsCreatedAndDeleted.events,
      persistent: missed.persistent.events,
    },
  };
}
