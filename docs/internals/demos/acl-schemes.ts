import {
  CREATOR_ALL_ACL,
  OPEN_ACL_UNSAFE,
  Perms,
  ZooKeeperError,
  digestId,
  formatAcl,
  type ACL,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { quiet, type DemoLog } from './demo-log.ts';

/**
 * ACLs (权限控制): each znode carries a list of scheme:id:perms entries, checked on every
 * operation against the ids the session has authenticated as. Permissions are per node and not
 * inherited: a child gets only the ACL its create named. The schemes:
 * - world:anyone — everybody;
 * - digest:user:base64(sha1(user:password)) — sessions that ran addAuth("digest", "user:password");
 * - ip:address[/bits] — connections from that address;
 * - auth — shorthand at create/setACL time for "every id this session has authenticated as",
 *   which the server stores as those ids (digest:alice:…);
 * - super — a digest user named on the server's command line (zookeeper.DigestAuthenticationProvider.superDigest)
 *   who passes every check.
 */
export type AclOutcome = Record<
  'world' | 'digest' | 'ip' | 'auth' | 'super',
  { allowed: boolean; refused?: string; stored?: string; unauthenticatedCreate?: string }
>;

export async function showAclSchemes(
  owner: ZooKeeperClient,
  stranger: ZooKeeperClient,
  connectAs: (auth: { scheme: string; auth: string }[]) => Promise<ZooKeeperClient>,
  base: string,
  superAuth: string | undefined,
  log: DemoLog = quiet,
): Promise<Partial<AclOutcome>> {
  const outcome: Partial<AclOutcome> = {};
  await owner.create(base, null);

  await owner.create(`${base}/world`, 'open', { acl: OPEN_ACL_UNSAFE });
  outcome.world = { allowed: await canRead(stranger, `${base}/world`) };
  log(`world:anyone:cdrwa         stranger reads: ${outcome.world.allowed}`);

  const aliceOnly: ACL[] = [{ perms: Perms.ALL, id: digestId('alice', 'alice-secret') }];
  await owner.create(`${base}/digest`, 'for alice', { acl: aliceOnly });
  const strangerOnDigest = await refusal(stranger, `${base}/digest`);
  const alice = await connectAs([{ scheme: 'digest', auth: 'alice:alice-secret' }]);
  outcome.digest = { allowed: await canRead(alice, `${base}/digest`), refused: strangerOnDigest };
  log(`${formatAcl(aliceOnly[0]!)}  stranger: ${strangerOnDigest}; alice after addAuth: reads`);

  // The server sees our connection as coming from 127.0.0.1; an ACL for another address shuts us out.
  await owner.create(`${base}/ip-local`, null, {
    acl: [{ perms: Perms.READ, id: { scheme: 'ip', id: '127.0.0.1' } }],
  });
  await owner.create(`${base}/ip-other`, null, {
    acl: [{ perms: Perms.READ, id: { scheme: 'ip', id: '192.0.2.0/24' } }],
  });
  const ipRefused = await refusal(stranger, `${base}/ip-other`);
  outcome.ip = { allowed: await canRead(stranger, `${base}/ip-local`), refused: ipRefused };
  log(`ip:127.0.0.1:r             stranger reads: ${outcome.ip.allowed}; ip:192.0.2.0/24:r → ${ipRefused}`);

  // "auth" needs an authenticated creator: without one the server has no id to put in its place.
  const anonymous = await stranger
    .create(`${base}/auth-anonymous`, null, { acl: CREATOR_ALL_ACL })
    .catch(codeOf);
  const bobAuth = { scheme: 'digest', auth: 'bob:bob-secret' };
  const bob = await connectAs([bobAuth]);
  await bob.create(`${base}/auth`, 'bob made this', { acl: CREATOR_ALL_ACL });
  const stored = (await bob.getACL(`${base}/auth`)).acl.map(formatAcl).join(',');
  outcome.auth = {
    allowed: await canRead(bob, `${base}/auth`),
    refused: await refusal(stranger, `${base}/auth`),
    stored,
    unauthenticatedCreate: anonymous,
  };
  log(`auth::cdrwa                stored as ${stored}; unauthenticated create → ${anonymous}`);

  if (superAuth) {
    const root = await connectAs([{ scheme: 'digest', auth: superAuth }]);
    outcome.super = {
      allowed: (await canRead(root, `${base}/digest`)) && (await canRead(root, `${base}/ip-other`)),
    };
    log(
      `super (${superAuth.split(':')[0]})               reads alice's node and the ip-other node: ${outcome.super.allowed}`,
    );
  }
  return outcome;
}

async function canRead(client: ZooKeeperClient, path: string): Promise<boolean> {
  return (await refusal(client, path)) === 'OK';
}

async function refusal(client: ZooKeeperClient, path: string): Promise<string> {
  // The reader may sit on a server that has not applied the create yet: sync, or we might see NONODE.
  await client.sync(path);
  return client.getData(path).then(() => 'OK', codeOf);
}

function codeOf(error: unknown): string {
  if (error instanceof ZooKeeperError) return error.code;
  throw error;
}
