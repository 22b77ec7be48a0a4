import { createHash } from 'node:crypto';
import { Perms } from '../jute/protocol.ts';
import type { ACL, Id } from '../jute/records.ts';

export { Perms };
export type { ACL, Id };

export const ANYONE_ID: Id = { scheme: 'world', id: 'anyone' };
/** Matches whatever identities the creating session has authenticated (via addAuth). */
export const AUTH_IDS: Id = { scheme: 'auth', id: '' };

/** Anyone may do anything: the default when no ACL is given. */
export const OPEN_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: ANYONE_ID }]);
/** Only the identities authenticated on the creating session. Needs a prior addAuth. */
export const CREATOR_ALL_ACL: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: AUTH_IDS }]);
export const READ_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.READ, id: ANYONE_ID }]);

/**
 * The id the digest scheme stores for user:password — `user:base64(sha1("user:password"))` —
 * so an ACL can name a user without the password appearing in the tree.
 */
export function digestId(user: string, password: string): Id {
  const hash = createHash('sha1').update(`${user}:${password}`).digest('base64');
  return { scheme: 'digest', id: `${user}:${hash}` };
}

const permLetters: ReadonlyArray<[string, number]> = [
  ['c', Perms.CREATE],
  ['d', Perms.DELETE],
  ['r', Perms.READ],
  ['w', Perms.WRITE],
  ['a', Perms.ADMIN],
];

/** "cdrwa" style, as zkCli prints permissions. */
export function formatPerms(perms: number): string {
  return permLetters
    .filter(([, bit]) => (perms & bit) !== 0)
    .map(([letter]) => letter)
    .join('');
}

export function parsePerms(text: string): number {
  let perms = 0;
  for (const letter of text) {
    const entry = permLetters.find(([l]) => l === letter.toLowerCase());
    if (!entry) throw new Error(`unknown permission "${letter}" in "${text}" (use letters from cdrwa)`);
    perms |= entry[1];
  }
  return perms;
}

/** zkCli's ACL syntax: "scheme:id:perms" entries separated by commas, e.g. "world:anyone:r,digest:u:hash:cdrwa". */
export function parseAclList(text: string): ACL[] {
  return text
    .split(',')
    .map((entry) => {
      const first = entry.indexOf(':');
      const last = entry.lastIndexOf(':');
      if (first < 0 || last === first) throw new Error(`ACL entry "${entry}" is not scheme:id:perms`);
      return {
        scheme: entry.slice(0, first),
        id: entry.slice(first + 1, last),
        perms: parsePerms(entry.slice(last + 1)),
      };
    })
    .map(({ scheme, id, perms }) => ({ perms, id: { scheme, id } }));
}

export function formatAcl(acl: ACL): string {
  return `${acl.id.scheme}:${acl.id.id}:${formatPerms(acl.perms)}`;
}
