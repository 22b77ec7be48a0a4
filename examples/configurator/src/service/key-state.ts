import { isZooKeeperError, type Stat, type ZooKeeperClient } from '@zk-cookbook/core/client';
import type { ConfiguratorLayout } from '../layout.ts';
import { keyRecord, parseRecord, pointerRecord, type KeyRecord, type PointerRecord } from '../records.ts';

/** A node's parsed data with the Stat it was read with (its version is what a later write checks). */
export interface Versioned<T> {
  readonly record: T;
  readonly stat: Stat;
}

/** Everything a change to a key depends on, read in one multiRead so the three parts agree. */
export interface KeyState {
  readonly namespace: string;
  readonly key: string;
  /** undefined until the key's first publish */
  readonly keyNode: Versioned<KeyRecord> | undefined;
  readonly current: Versioned<PointerRecord> | undefined;
  readonly gray: Versioned<PointerRecord> | undefined;
}

export async function readKeyState(
  client: ZooKeeperClient,
  layout: ConfiguratorLayout,
  namespace: string,
  key: string,
): Promise<KeyState> {
  const paths = [layout.key(namespace, key), layout.current(namespace, key), layout.gray(namespace, key)];
  const results = await client.multiRead(paths.map((path) => ({ type: 'getData' as const, path })));
  const [keyNode, current, gray] = results.map((result, index) => {
    if (result.type === 'getData') return { data: result.data, stat: result.stat, path: paths[index]! };
    if (result.type === 'error' && isZooKeeperError(result.error, 'NONODE')) return undefined;
    throw result.type === 'error' ? result.error : new Error(`unexpected multiRead result ${result.type}`);
  });
  return {
    namespace,
    key,
    keyNode: keyNode && { record: parseRecord(keyRecord, keyNode.data, keyNode.path), stat: keyNode.stat },
    current: current && {
      record: parseRecord(pointerRecord, current.data, current.path),
      stat: current.stat,
    },
    gray: gray && { record: parseRecord(pointerRecord, gray.data, gray.path), stat: gray.stat },
  };
}

/** The version a subscriber on the canary list runs, and the one everybody else runs. */
export function describeKeyState(state: KeyState) {
  return {
    key: state.key,
    latest: state.keyNode?.record.latest ?? 0,
    current: state.current?.record ?? null,
    gray: state.gray?.record ?? null,
  };
}
