import { ZooKeeperError } from './errors.ts';

/**
 * Znode path rules, checked before a request is sent so that a bad path fails locally with a clear
 * message (the rules are those of the server's PathUtils.validatePath).
 */
export function validatePath(path: string, options: { sequential?: boolean; operation?: string } = {}): void {
  const fail = (reason: string): never => {
    throw new ZooKeeperError('BADARGUMENTS', {
      operation: options.operation,
      path,
      detail: `invalid path: ${reason}`,
    });
  };
  if (typeof path !== 'string') fail('path must be a string');
  if (path.length === 0) fail('path must not be empty');
  if (path[0] !== '/') fail('path must start with /');
  if (path.length === 1) return;
  // A sequential create may end in "/": the server appends the counter to it.
  if (path.endsWith('/') && !options.sequential) fail('path must not end with /');
  const checked = options.sequential && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = checked.split('/').slice(1);
  for (const segment of segments) {
    if (segment.length === 0) fail('empty node name (two slashes in a row)');
    if (segment === '.' || segment === '..') fail(`relative node name "${segment}"`);
  }
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (
      c === 0 ||
      (c > 0x00 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      fail(`invalid character \\u${c.toString(16).padStart(4, '0')} at index ${i}`);
    }
  }
}

export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

export function parentPath(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

export function nodeName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every ancestor of a path, root first, the path itself excluded: /a/b/c → /, /a, /a/b. */
export function ancestorPaths(path: string): string[] {
  const result: string[] = [];
  let current = path;
  while (current !== '/') {
    current = parentPath(current);
    result.unshift(current);
  }
  return result;
}

/** The 10-digit counter the server appends to sequential nodes. */
export function sequenceNumber(name: string): number {
  const suffix = /\d{10}$/.exec(name);
  if (!suffix) throw new Error(`"${name}" does not end with a 10-digit sequence number`);
  return Number.parseInt(suffix[0], 10);
}

/** Maps paths between the caller's view and the server's when the connect string has a chroot. */
export class Chroot {
  constructor(readonly root: string) {}

  toServer(path: string): string {
    if (!this.root) return path;
    return path === '/' ? this.root : this.root + path;
  }

  fromServer(path: string): string {
    if (!this.root) return path;
    if (path === this.root) return '/';
    if (path.startsWith(this.root + '/')) return path.slice(this.root.length);
    // Paths outside the chroot (e.g. /zookeeper/config) are passed through unchanged.
    return path;
  }
}
