// kafka-inspect: prints a Kafka cluster's control plane as its znodes show it, decoded and checked.
//   node --conditions=zk-cookbook-source --import tsx src/inspect-main.ts --connect 127.0.0.1:2181/kafka [--json]
import { parseArgs } from 'node:util';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { formatClusterView } from './inspector/format-cluster.ts';
import { inspectKafkaCluster } from './inspector/inspect-cluster.ts';

const { values } = parseArgs({
  options: { connect: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const connect = values.connect ?? process.env.KAFKA_ZOOKEEPER_CONNECT;
if (!connect) {
  process.stderr.write("kafka-inspect: give --connect host:port[,...]/chroot (Kafka's zookeeper.connect)\n");
  process.exit(2);
}

const client = await ZooKeeperClient.connect(connect, { connectTimeoutMs: 10_000 });
try {
  const view = await inspectKafkaCluster(client);
  process.stdout.write(values.json ? `${JSON.stringify(view, null, 2)}\n` : formatClusterView(view));
  process.exitCode = view.issues.length === 0 ? 0 : 1;
} finally {
  await client.close();
}
