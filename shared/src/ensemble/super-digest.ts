import { createHash } from 'node:crypto';

/**
 * The value of `zookeeper.DigestAuthenticationProvider.superDigest` for a super user who then
 * authenticates with `addAuth('digest', 'user:password')` and bypasses every ACL.
 */
export function superDigest(user: string, password: string): string {
  const hash = createHash('sha1').update(`${user}:${password}`).digest('base64');
  return `${user}:${hash}`;
}
