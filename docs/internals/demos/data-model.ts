// Run: npx tsx --conditions=zk-cookbook-source docs/internals/demos/data-model.ts
// Starts its own three-server ensemble (with a super user and a 500 ms container check) on free
// ports, or uses ZK_CONNECT (then the super-user step needs ZK_SUPER_AUTH=user:password), and walks
// through znode types, versions, ACL schemes and watches, printing what each step saw.
import { randomBytes } from 'node:crypto';
import { ZooKeeperClient, deleteRecursive, parseConnectString } from '@zk-cookbook/core/client';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { TcpProxy } from '@zk-cookbook/core/testing';
import { showAclSchemes } from './acl-schemes.ts';
import { showVersionsAndCas } from './versions.ts';
import { showWatches } from './watches.ts';
import { showZnodeTypes } from './znode-types.ts';

const log = (line: string): void => console.log(`  ${line}`);
const superUser = { user: 'super', password: 'super-secret' };
const ensemble = process.env.ZK_CONNECT
  ? undefined
  : await LocalEnsemble.start({ servers: 3, tickTimeMs: 500, containerCheckIntervalMs: 500, superUser });
const connectString = process.env.ZK_CONNECT ?? ensemble!.connectString;
const superAuth = ensemble ? `${superUser.user}:${superUser.password}` : process.env.ZK_SUPER_AUTH;
const root = `/internals-demo-${randomBytes(3).toString('hex')}`;
const clients: ZooKeeperClient[] = [];
const connect = async (options: Parameters<typeof ZooKeeperClient.connect>[1] = {}, via = connectString) => {
  const client = await ZooKeeperClient.connect(`${via}${root}`, { logger: {}, ...options });
  clients.push(client);
  return client;
};
const proxy = await TcpProxy.start(parseConnectString(connectString).servers[0]!);
try {
  const admin = await ZooKeeperClient.connect(connectString, { logger: {} });
  await admin.create(root, null);
  await admin.close();
  const client = await connect();

  console.log('\nznode types');
  await showZnodeTypes(client, () => connect(), '/types', log);
  console.log('\nversions and compare-and-set');
  await showVersionsAndCas(client, await connect(), '/cas', log);
  console.log('\nACL schemes');
  await showAclSchemes(client, await connect(), (auth) => connect({ auth }), '/acl', superAuth, log);
  console.log('\nwatches');
  const away = await connect({}, proxy.address);
  await showWatches(
    client,
    await connect(),
    {
      client: away,
      cut: async () => {
        proxy.setMode('refuse');
        proxy.sever();
        await away.waitForState(['suspended'], { timeoutMs: 10_000 });
      },
      restore: async () => {
        proxy.setMode('forward');
        await away.waitForConnected({ timeoutMs: 10_000 });
      },
    },
    '/watches',
    log,
  );
} finally {
  await Promise.all(clients.map((client) => client.close()));
  if (superAuth) {
    const admin = await ZooKeeperClient.connect(connectString, {
      logger: {},
      auth: [{ scheme: 'digest', auth: superAuth }],
    });
    await deleteRecursive(admin, root).catch((error: unknown) =>
      console.warn(`could not remove ${root}: ${String(error)}`),
    );
    await admin.close();
  }
  await proxy.close();
  await ensemble?.close();
}
