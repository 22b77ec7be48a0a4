import { ZooKeeperNotFoundError, locateZooKeeper } from '../src/ensemble/index.ts';
import { selectCuratorJars } from './interop/curator-peer.ts';
import { selectKazooPython } from './interop/kazoo-peer.ts';

/** One part of the version matrix as the environment selects it, or why it cannot be had. */
export interface SelectedPart {
  readonly version: string;
  readonly description: string;
}

export interface SelectedVersions {
  readonly zooKeeper: SelectedPart;
  readonly curator: SelectedPart;
  readonly kazoo: SelectedPart;
}

/**
 * What the tests run against under the current environment (ZK_COOKBOOK_ZOOKEEPER,
 * ZK_COOKBOOK_CURATOR, ZK_COOKBOOK_KAZOO; see docs/operations/version-matrix.md). A part that is
 * missing reads "missing" with the reason, so a summary can still be printed; the tests that need
 * it fail with that reason.
 */
export function selectedVersions(): SelectedVersions {
  return {
    zooKeeper: part(() => {
      const installation = locateZooKeeper();
      return { version: installation.version ?? 'unknown', description: installation.description };
    }),
    curator: part(() => selectCuratorJars()),
    kazoo: part(() => selectKazooPython()),
  };
}

function part(select: () => SelectedPart): SelectedPart {
  try {
    const { version, description } = select();
    return { version, description };
  } catch (error) {
    // ZooKeeper's error lists each place it looked on lines of their own: those are the reason.
    const reason =
      error instanceof ZooKeeperNotFoundError
        ? error.looked.join('; ')
        : ((error as Error).message.split('\n')[0] ?? '');
    return { version: 'missing', description: reason };
  }
}
