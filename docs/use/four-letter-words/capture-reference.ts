// Run: npx tsx --conditions=zk-cookbook-source docs/use/four-letter-words/capture-reference.ts
// (ZK_COOKBOOK_ZOOKEEPER=3.9 for the fetched 3.9.5). Starts a three-server ensemble, gives it a few
// sessions, ephemerals and watches so every answer has something in it, asks the leader every
// word and writes the answers to docs/use/four-letter-words/<version>/<word>.txt.
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { captureAnswers } from './capture.ts';

const ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 500 });
const clients: ZooKeeperClient[] = [];
try {
  const leader = await ensemble.waitForQuorum();
  for (let i = 0; i < 2; i++) {
    const client = await ZooKeeperClient.connect(leader.address, { logger: {}, sessionTimeoutMs: 10_000 });
    clients.push(client);
  }
  const [first, second] = clients as [ZooKeeperClient, ZooKeeperClient];
  await first.create('/app', 'config');
  await first.create('/app/workers', null);
  await first.create('/app/workers/worker-1', 'host-a', { mode: 'ephemeral' });
  await second.getData('/app', { watch: () => {} });
  await second.getChildren('/app/workers', { watch: () => {} });
  await first.getData('/app', { watch: () => {} });
  const version = ensemble.zooKeeper.version ?? 'unknown';
  const directory = new URL(`./${version}/`, import.meta.url);
  mkdirSync(directory, { recursive: true });
  for (const [word, answer] of await captureAnswers(leader.address, { includeSideEffects: true })) {
    // Paths of this machine's temporary directories say nothing to a reader.
    writeFileSync(
      new URL(`${word}.txt`, directory),
      answer
        .replaceAll(/\/tmp\/zk-cookbook-ensemble-\w+/g, '/tmp/zk-cookbook-ensemble-XXXXXX')
        .replaceAll(homedir(), '~'),
    );
  }
  console.log(`wrote ${directory.pathname}`);
} finally {
  await Promise.all(clients.map((client) => client.close()));
  await ensemble.close();
}
