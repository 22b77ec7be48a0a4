import { joinPath } from '@zk-cookbook/core/client';

/**
 * Where the Configurator keeps everything, below a root (default /configurator):
 *
 *   <root>/namespaces/<ns>                  { description, schema, createdBy, createdAt }
 *   <root>/namespaces/<ns>/canary           { instances: [...] }   who gets a gray release first
 *   <root>/namespaces/<ns>/keys/<key>       { latest, recent }     the key's lock: every change bumps it
 *   <root>/namespaces/<ns>/keys/<key>/current                 { version, ... }  the pointer
 *   <root>/namespaces/<ns>/keys/<key>/gray                    { version, ... }  only during a gray release
 *   <root>/namespaces/<ns>/keys/<key>/versions/0000000007     { value, author, message, ... }  immutable
 *   <root>/instances/<ns>/<instance-id>     ephemeral: the versions that instance runs
 *
 * Both the service and the subscriber library derive paths from here, so they cannot disagree.
 */
export const DEFAULT_ROOT = '/configurator';

/** Namespace and key names: one path segment, readable in a URL, never "." or "..". */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class ConfiguratorLayout {
  constructor(readonly root: string = DEFAULT_ROOT) {}

  get namespaces(): string {
    return joinPath(this.root, 'namespaces');
  }
  get instancesRoot(): string {
    return joinPath(this.root, 'instances');
  }
  namespace(namespace: string): string {
    return joinPath(this.namespaces, namespace);
  }
  canary(namespace: string): string {
    return joinPath(this.namespace(namespace), 'canary');
  }
  keys(namespace: string): string {
    return joinPath(this.namespace(namespace), 'keys');
  }
  key(namespace: string, key: string): string {
    return joinPath(this.keys(namespace), key);
  }
  current(namespace: string, key: string): string {
    return joinPath(this.key(namespace, key), 'current');
  }
  gray(namespace: string, key: string): string {
    return joinPath(this.key(namespace, key), 'gray');
  }
  versions(namespace: string, key: string): string {
    return joinPath(this.key(namespace, key), 'versions');
  }
  version(namespace: string, key: string, version: number): string {
    return joinPath(this.versions(namespace, key), versionName(version));
  }
  instances(namespace: string): string {
    return joinPath(this.instancesRoot, namespace);
  }
  instance(namespace: string, instanceId: string): string {
    return joinPath(this.instances(namespace), instanceId);
  }
}

/** Zero-padded like ZooKeeper's sequence numbers, so that names sort as numbers do. */
export function versionName(version: number): string {
  return String(version).padStart(10, '0');
}

export function parseVersionName(name: string): number | undefined {
  return /^\d{10}$/.test(name) ? Number(name) : undefined;
}
