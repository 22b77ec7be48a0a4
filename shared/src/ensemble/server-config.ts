/** A voting member, or an observer that follows the leader without voting. */
export type MemberRole = 'participant' | 'observer';

export interface MemberAddress {
  readonly id: number;
  readonly role: MemberRole;
  readonly host: string;
  readonly clientPort: number;
  /** Followers connect to the leader here. */
  readonly quorumPort: number;
  /** Leader election traffic. */
  readonly electionPort: number;
}

export interface ServerSettings {
  readonly tickTimeMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly reconfigEnabled: boolean;
  /** Extra zoo.cfg lines, written last so they override the defaults. */
  readonly extraConfig: Readonly<Record<string, string | number | boolean>>;
}

export interface ServerConfigFiles {
  /** zoo.cfg */
  readonly staticConfig: string;
  /** zoo.cfg.dynamic when reconfig is enabled: the membership that `reconfig` rewrites. */
  readonly dynamicConfig?: string;
}

/**
 * Renders one member's configuration. A single participant with reconfig disabled gets a plain
 * standalone config (no server.N lines): that is the only way to get ZooKeeper's standalone mode.
 */
export function renderServerConfig(
  member: MemberAddress,
  members: readonly MemberAddress[],
  settings: ServerSettings,
  paths: { readonly dataDir: string; readonly dynamicConfigFile: string },
): ServerConfigFiles {
  const standalone = members.length === 1 && !settings.reconfigEnabled;
  const lines: Array<[string, string | number | boolean]> = [
    ['tickTime', settings.tickTimeMs],
    ['initLimit', settings.initLimit],
    ['syncLimit', settings.syncLimit],
    ['minSessionTimeout', settings.minSessionTimeoutMs],
    ['maxSessionTimeout', settings.maxSessionTimeoutMs],
    ['dataDir', paths.dataDir],
    // Every word, so monitors and tests can use mntr, cons, wchs... (the default allows only srvr).
    ['4lw.commands.whitelist', '*'],
    // The AdminServer would bind 8080 on every member; the 4lw interface covers what we need.
    ['admin.enableServer', false],
  ];

  // ZooKeeper runs standalone whenever it sees a single voter unless told otherwise; a lone voter with
  // observers, or one that must accept reconfig, has to stay in quorum mode.
  if (!standalone) lines.push(['standaloneEnabled', false]);
  if (settings.reconfigEnabled) {
    lines.push(['reconfigEnabled', true], ['dynamicConfigFile', paths.dynamicConfigFile]);
  } else {
    lines.push(['clientPort', member.clientPort], ['clientPortAddress', member.host]);
    if (!standalone) lines.push(...members.map((peer) => staticServerLine(peer)));
  }
  if (member.role === 'observer') lines.push(['peerType', 'observer']);
  lines.push(...Object.entries(settings.extraConfig));

  const staticConfig = lines.map(([key, value]) => `${key}=${String(value)}\n`).join('');
  if (!settings.reconfigEnabled) return { staticConfig };
  const dynamicConfig = members.map((peer) => dynamicServerLine(peer)).join('\n') + '\n';
  return { staticConfig, dynamicConfig };
}

function staticServerLine(peer: MemberAddress): [string, string] {
  const observer = peer.role === 'observer' ? ':observer' : '';
  return [`server.${peer.id}`, `${peer.host}:${peer.quorumPort}:${peer.electionPort}${observer}`];
}

// The 3.5+ form carries the client address, because reconfig can move it.
function dynamicServerLine(peer: MemberAddress): string {
  return (
    `server.${peer.id}=${peer.host}:${peer.quorumPort}:${peer.electionPort}:${peer.role};` +
    `${peer.host}:${peer.clientPort}`
  );
}
