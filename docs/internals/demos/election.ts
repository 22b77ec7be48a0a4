// Run: npx tsx --conditions=zk-cookbook-source docs/internals/demos/election.ts
// Starts its own three-server ensemble, kills the leader and prints the votes the survivors logged.
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { killTheLeader } from './leader-election.ts';

const ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 200 });
try {
  await killTheLeader(ensemble, (line) => console.log(`  ${line}`));
} finally {
  await ensemble.close();
}
