import {
  ensurePath,
  formatAcl,
  isZooKeeperError,
  parentPath,
  type ACL,
  type Stat,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import type { Logger } from 'pino';
import { ConfigCenterError } from '../errors.ts';
import { configAcl, keyPath, registryAcl, type ConfigLayout } from '../layout.ts';

/** A key as written: what the publisher answers after ZooKeeper acknowledged the write. */
export interface StoredValue {
  key: string;
  value: string;
  version: number;
  /** zxid of the write, hex; subscribers report the same one once they applied it */
  mzxid: string;
  /** commit time on the leader, ms since the epoch */
  modifiedAt: number;
}

/**
 * The publisher's side of the tree: creates the layout with its ACLs, and reads and writes keys
 * through a session authenticated as the admin identity (digest). ZooKeeper, not this code, is
 * what stops anyone else from writing: the nodes carry the ACL.
 */
export class ConfigStore {
  private readonly acl: ACL[];
  private readonly registry: ACL[];

  constructor(
    private readonly client: ZooKeeperClient,
    readonly layout: ConfigLayout,
    admin: { user: string; secret: string },
    private readonly logger: Logger,
  ) {
    this.acl = configAcl(admin.user, admin.secret);
    this.registry = registryAcl(admin.user, admin.secret);
  }

  /**
   * Creates the root, the config node and the registry with their ACLs. A node that already exists
   * with another ACL is given ours if the admin identity may (an open node left by an earlier run);
   * if it may not, the tree belongs to another admin secret, which is LAYOUT_NOT_OURS.
   */
  async ensureLayout(): Promise<void> {
    const { root, config, subscribers } = this.layout;
    if (parentPath(root) !== '/')
      await ensurePath(this.client, parentPath(root), { parentMode: 'persistent' });
    for (const [path, acl] of [
      [root, this.acl],
      [config, this.acl],
      [subscribers, this.registry],
    ] as const) {
      try {
        await this.client.create(path, '', { acl });
        continue;
      } catch (error) {
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      }
      const { acl: current } = await this.client.getACL(path);
      if (sameAcl(current, acl)) continue;
      try {
        await this.client.setACL(path, acl);
        this.logger.warn({ path, was: current.map(formatAcl), now: acl.map(formatAcl) }, 'ACL replaced');
      } catch (error) {
        if (!isZooKeeperError(error, 'NOAUTH')) throw error;
        throw new ConfigCenterError(
          'LAYOUT_NOT_OURS',
          'ensureLayout',
          `exists with ACL ${current.map(formatAcl).join(',')}, which this admin credential may not change ` +
            '(was the tree created with another ADMIN_SECRET? delete it as that admin, or use another root)',
          { path, zooKeeperCode: 'NOAUTH' },
        );
      }
    }
  }

  /** Every key, read from ZooKeeper after a sync (so it includes every write acknowledged so far). */
  async list(): Promise<StoredValue[]> {
    await this.client.sync(this.layout.config);
    const { children } = await this.client.getChildren(this.layout.config);
    const values = await Promise.all(
      children.sort().map(async (key) => {
        try {
          const { data, stat } = await this.client.getData(keyPath(this.layout, key));
          return toStored(key, data.toString('utf8'), stat);
        } catch (error) {
          // Deleted between the listing and the read: it is simply not there any more.
          if (isZooKeeperError(error, 'NONODE')) return undefined;
          throw error;
        }
      }),
    );
    return values.filter((value): value is StoredValue => value !== undefined);
  }

  async get(key: string): Promise<StoredValue> {
    await this.client.sync(this.layout.config);
    const { data, stat } = await this.client.getData(keyPath(this.layout, key));
    return toStored(key, data.toString('utf8'), stat);
  }

  /**
   * Sets a key. With `expectedVersion` only that version is replaced (BADVERSION otherwise: someone
   * else wrote first; NONODE if the key does not exist). Without it the key is created or replaced.
   */
  async set(
    key: string,
    value: string,
    expectedVersion?: number,
  ): Promise<StoredValue & { created: boolean }> {
    const path = keyPath(this.layout, key);
    if (expectedVersion !== undefined) {
      const stat = await this.client.setData(path, value, { version: expectedVersion });
      return { ...toStored(key, value, stat), created: false };
    }
    try {
      const stat = await this.client.setData(path, value);
      return { ...toStored(key, value, stat), created: false };
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
    try {
      const { stat } = await this.client.create2(path, value, { acl: this.acl });
      return { ...toStored(key, value, stat), created: true };
    } catch (error) {
      // Another publisher created it between our two calls: replace its value, as asked.
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      const stat = await this.client.setData(path, value);
      return { ...toStored(key, value, stat), created: false };
    }
  }

  async delete(key: string, expectedVersion?: number): Promise<void> {
    await this.client.delete(keyPath(this.layout, key), {
      ...(expectedVersion !== undefined && { version: expectedVersion }),
    });
  }
}

function toStored(key: string, value: string, stat: Stat): StoredValue {
  return { key, value, version: stat.version, mzxid: `0x${stat.mzxid.toString(16)}`, modifiedAt: stat.mtime };
}

function sameAcl(a: readonly ACL[], b: readonly ACL[]): boolean {
  const text = (acl: readonly ACL[]): string => acl.map(formatAcl).sort().join(',');
  return text(a) === text(b);
}
