// Run: npx tsx --conditions=zk-cookbook-source docs/theory/demos/cap.ts
// Starts its own three-server ensemble on free ports (needs Java and ZooKeeper, like the tests),
// walks through the partition and the sync demonstrations, and prints what each step saw.
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { partitionMinority, readAfterOtherClientsWrite } from './cap-partition.ts';

const log = (line: string): void => console.log(`  ${line}`);
const ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 200, readOnlyMode: true });
try {
  console.log(`ensemble ${ensemble.connectString}`);
  console.log('\nC over A: a minority refuses writes, a read-only server still answers reads');
  const partition = await partitionMinority(ensemble, log);
  console.log(
    `  => the quorum committed ${partition.committed}; server ${partition.minority.id} served ` +
      `${partition.servedByMinority} and refused a write with ${partition.writeRefusedWith}`,
  );
  console.log('\nread-your-writes across clients: sync before read');
  await readAfterOtherClientsWrite(ensemble, 200, log);
} finally {
  await ensemble.close();
}
