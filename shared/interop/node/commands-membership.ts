import { GroupMember } from '../../src/recipes/membership/group-member.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * A GroupMember in its own process, for membership safety tests.
 *   membership.join    {client, name, path, id, payload}  starts it; its "joined" / "membershipLost"
 *                      events are forwarded as peer events {name, event, path}
 *   membership.members {name}                             member id → payload (text)
 *   membership.leave   {name}
 */
export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  const name = String(args.name);
  switch (action) {
    case 'join': {
      const member = new GroupMember(
        peer.client(args),
        String(args.path),
        String(args.id),
        String(args.payload ?? ''),
      );
      for (const event of ['joined', 'membershipLost'] as const) {
        member.on(event, (path: string) => peer.emit('membership', { name, event, path }));
      }
      peer.objects.set(name, member);
      await member.start({ timeoutMs: 10_000 });
      return true;
    }
    case 'members': {
      const member = peer.object<GroupMember>(name);
      return Object.fromEntries([...member.currentMembers].map(([id, data]) => [id, data.toString()]));
    }
    case 'leave': {
      await peer.object<GroupMember>(name).close();
      peer.objects.delete(name);
      return true;
    }
    default:
      throw new Error(`unknown membership action ${action}`);
  }
}
