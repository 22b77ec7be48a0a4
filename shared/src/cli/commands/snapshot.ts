import type { Command } from 'commander';
import { formatSnapshot, listDataFiles, readSnapshotFile } from '../../persistence/index.ts';

export function register(program: Command): void {
  program
    .command('snapshot')
    .description(
      'print the sessions and the znode tree in a ZooKeeper snapshot: a snapshot.<zxid> file, or the newest ' +
        'one in a dataDir (or its version-2/)',
    )
    .argument('<location>', 'snapshot file or data directory')
    .action(async (location: string) => {
      const snapshots = (await listDataFiles(location)).filter((file) => file.kind === 'snapshot');
      const newest = snapshots.at(-1);
      if (!newest) throw new Error(`snapshot: no snapshot.* files in ${location}`);
      process.stdout.write(`${formatSnapshot(await readSnapshotFile(newest.path))}\n`);
    });
}
