/**
 * "3.8.0" from what ZooKeeper reports about itself, e.g. Debian's
 * "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC" (a build that left the git placeholder in).
 */
export function shortZooKeeperVersion(reported: string): string {
  const version = reported.split(',')[0]!.trim();
  return version.replace(/-\$\{[^}]*\}$/, '');
}
