import { formatPerms, type ACL, type Stat } from '../client/index.ts';

/**
 * How zkCli prints things, so transcripts from books and runbooks look the same here: stats
 * (StatPrinter), ACLs (GetAclCommand), children lists, watch events (ZooKeeperMain.MyWatcher).
 */

/** Java's Long.toHexString: zxids and session ids as unsigned 64-bit hex, no padding. */
export function javaHex(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * java.util.Date#toString: "Wed Nov 25 17:57:13 UTC 2026", in the local time zone (or `timeZone`).
 * Zone names come from Intl, so zones without an English abbreviation print as "GMT+1" where Java
 * would say "CET".
 */
export function javaDate(epochMs: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      year: 'numeric',
      timeZoneName: 'short',
    });
    dateFormatters.set(key, formatter);
  }
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatter.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return `${parts.weekday} ${parts.month} ${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName} ${parts.year}`;
}

/** The eleven "name = value" lines of zkCli's StatPrinter, in its order. */
export function formatStat(stat: Stat, timeZone?: string): string[] {
  return [
    `cZxid = ${javaHex(stat.czxid)}`,
    `ctime = ${javaDate(stat.ctime, timeZone)}`,
    `mZxid = ${javaHex(stat.mzxid)}`,
    `mtime = ${javaDate(stat.mtime, timeZone)}`,
    `pZxid = ${javaHex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${javaHex(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}

/** Java's List#toString: "[a, b, c]". */
export function formatList(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/** Jute's CSV string escaping, which Id#toString applies to scheme and id. */
function csvString(text: string): string {
  return `'${text.replace(/[%,}\n\r\0]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}

/** An ACL entry as getAcl prints it: the Id record's CSV form, then ": " and the permissions. */
export function formatAclEntry(acl: ACL): string[] {
  return [`${csvString(acl.id.scheme)},${csvString(acl.id.id)}`, `: ${formatPerms(acl.perms)}`];
}

/** Watcher.Event.KeeperState names as zkCli prints them. */
export type KeeperStateName =
  'SyncConnected' | 'Disconnected' | 'Expired' | 'AuthFailed' | 'ConnectedReadOnly' | 'Closed';

const eventTypeNames: Record<string, string> = {
  none: 'None',
  created: 'NodeCreated',
  deleted: 'NodeDeleted',
  dataChanged: 'NodeDataChanged',
  childrenChanged: 'NodeChildrenChanged',
  dataWatchRemoved: 'DataWatchRemoved',
  childWatchRemoved: 'ChildWatchRemoved',
  persistentWatchRemoved: 'PersistentWatchRemoved',
};

/**
 * What zkCli's default watcher prints for every event, node events and state changes alike:
 * a blank line, "WATCHER::", a blank line, then WatchedEvent#toString.
 */
export function formatWatchedEvent(state: KeeperStateName, type: string, path: string | null): string {
  const typeName = eventTypeNames[type] ?? type;
  return `\nWATCHER::\n\nWatchedEvent state:${state} type:${typeName} path:${path ?? 'null'}\n`;
}

/**
 * `config -c`: ConfigUtils.getClientConfigStr — the config version, a space, then the client
 * addresses of the servers ("host:port" after the ";" of each server line; empty when a server line
 * has none, as in a static configuration).
 */
export function clientConfigString(config: string): string {
  let version = '';
  const servers: Array<{ id: number; client: string }> = [];
  for (const line of config.split('\n')) {
    const equals = line.indexOf('=');
    if (equals < 0) continue;
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    if (key === 'version') version = value;
    const server = /^server\.(\d+)$/.exec(key);
    if (!server) continue;
    const semicolon = value.indexOf(';');
    let client = semicolon >= 0 ? value.slice(semicolon + 1).trim() : '';
    if (client && !client.includes(':')) client = `0.0.0.0:${client}`;
    servers.push({ id: Number(server[1]), client });
  }
  servers.sort((a, b) => a.id - b.id);
  return `${version} ${servers.map((server) => server.client).join(',')}`;
}
