// Run: npx tsx --conditions=zk-cookbook-source docs/internals/demos/sync.ts
// Starts its own three-server ensemble (snapCount 10) on free ports, restarts a lagging follower
// three times and prints what the leader and the follower logged about each sync.
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { restartLaggingFollower } from './data-sync.ts';

const log = (line: string): void => console.log(`  ${line}`);
const ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 200, extraConfig: { snapCount: 10 } });
try {
  console.log('\n1. three transactions behind');
  await restartLaggingFollower(ensemble, { writes: 3, log });
  console.log('\n2. 700 transactions behind (more than the 500 proposals the leader keeps in memory)');
  await restartLaggingFollower(ensemble, { writes: 700, log });
  console.log("\n3. 700 behind, and the leader's old logs purged");
  await restartLaggingFollower(ensemble, { writes: 700, purgeLeaderLogs: true, log });
} finally {
  await ensemble.close();
}
