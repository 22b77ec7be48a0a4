import type { LocalEnsemble, ObservedMode } from '../ensemble/index.ts';
import { formatTable } from './table.ts';

/** The members of a local ensemble with the mode each reports right now. */
export function formatMembers(ensemble: LocalEnsemble, modes: ReadonlyMap<number, ObservedMode>): string {
  return formatTable(
    ['id', 'role', 'client', 'quorum', 'election', 'mode', 'pid'],
    ensemble.members.map((member) => [
      String(member.id),
      member.role,
      member.address,
      String(member.quorumPort),
      String(member.electionPort),
      modes.get(member.id) ?? '?',
      String(member.pid ?? '-'),
    ]),
  );
}

/** "server 2: follower -> down" for every member whose mode changed. */
export function describeModeChanges(
  before: ReadonlyMap<number, ObservedMode>,
  after: ReadonlyMap<number, ObservedMode>,
): string[] {
  return [...after]
    .filter(([id, mode]) => before.get(id) !== mode)
    .map(([id, mode]) => `server ${id}: ${before.get(id) ?? '?'} -> ${mode}`);
}
