import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { defaultLogger } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { ClusterManagementError } from './errors.ts';
import { DEFAULT_ROOT, clusterLayout, nodeId, type ClusterLayout } from './layout.ts';

/** What every service of the pattern is started with. */
export interface ServiceOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** its member id in the machines group */
  id: string;
  /** the pattern's root znode; default /cluster-management */
  root?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** further Host names to answer to, e.g. the compose service name (see hostCheck) */
  allowedHosts?: readonly string[];
  /** the URL others reach it at, published in its member node; default the address it listens on */
  advertisedUrl?: string;
  /** default 10 s: how long a dead machine stays in the group (and a dead collector keeps its claims) */
  sessionTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The common start of a coordinator or a collector: its id checked (it names a znode), a logger
 * naming it, the layout, and a ZooKeeper client whose session is its membership.
 */
export function openServiceSession(
  role: 'collector' | 'coordinator',
  options: ServiceOptions,
): { logger: Logger; layout: ClusterLayout; host: string; client: ZooKeeperClient } {
  const id = nodeId.safeParse(options.id);
  if (!id.success) {
    throw new ClusterManagementError(
      'BAD_SETTINGS',
      `start ${role}`,
      `${role} id ${JSON.stringify(options.id)}: ${id.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  const logger = (options.logger ?? defaultLogger()).child({ [role]: options.id });
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  return {
    logger,
    layout: clusterLayout(options.root ?? DEFAULT_ROOT),
    host: options.host ?? '127.0.0.1',
    client,
  };
}
