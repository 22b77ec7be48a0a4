import { parsePerms, type ACL } from '../../client/index.ts';
import type { CommandContext } from '../command.ts';

/**
 * zkCli's AclParser: comma-separated `scheme:id:perms` entries, where the id may itself contain
 * colons (digest:user:hash:cdrwa). Like zkCli it is lenient: a malformed entry or an unknown
 * permission letter is reported and skipped, and the rest is used. An empty result is sent as is, so
 * the client's INVALIDACL names the path.
 */
export function parseAclArgument(context: CommandContext, text: string): ACL[] {
  const acl: ACL[] = [];
  for (const entry of text.split(',')) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first < 0 || first === last) {
      context.output.err(`${entry} does not have the form scheme:id:perm`);
      continue;
    }
    let perms = 0;
    for (const letter of entry.slice(last + 1)) {
      try {
        perms |= parsePerms(letter);
      } catch {
        context.output.err(`Unknown perm type: ${letter}`);
      }
    }
    acl.push({ perms, id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) } });
  }
  return acl;
}
