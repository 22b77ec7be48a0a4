import { Perms, digestId, joinPath, type ACL } from '@zk-cookbook/core/client';
import { z } from 'zod';

/**
 * The znodes of the configuration centre under its root (default /config-center):
 *
 *   /config-center                 world:anyone:r   digest:<admin>:cdrwa
 *     config                       world:anyone:r   digest:<admin>:cdrwa
 *       <key>  "<value>"           world:anyone:r   digest:<admin>:cdrwa
 *     subscribers                  world:anyone:rcd digest:<admin>:cdrwa
 *       <instance id> [E] {"instanceId","url"}     (created by each subscriber)
 *
 * Only the admin identity may write configuration; anyone may read it, which is what a subscriber
 * needs and all it gets. The subscribers' own registrations live in a separate node that anyone
 * may add to, so that a subscriber needs no credential at all.
 */
export interface ConfigLayout {
  readonly root: string;
  readonly config: string;
  readonly subscribers: string;
}

export const DEFAULT_ROOT = '/config-center';

export function configLayout(root = DEFAULT_ROOT): ConfigLayout {
  return { root, config: joinPath(root, 'config'), subscribers: joinPath(root, 'subscribers') };
}

/** The path of one key's node. */
export function keyPath(layout: ConfigLayout, key: string): string {
  return joinPath(layout.config, key);
}

/**
 * A configuration key is one znode name: letters, digits, `.`, `_` and `-`, starting with a letter
 * or digit (so never the names `.` and `..`, which ZooKeeper refuses), at most 128 characters.
 */
export const configKey = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'a key is 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** An instance id names a subscriber's registration node, so it follows the same rule. */
export const instanceId = configKey;

/** Values stay far below ZooKeeper's 1 MiB per node: configuration is read by every subscriber. */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024;

export const ADMIN_USER = 'admin';

/** Configuration nodes: everyone reads, only the admin identity changes anything. */
export function configAcl(adminUser: string, adminSecret: string): ACL[] {
  return [
    { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } },
    { perms: Perms.ALL, id: digestId(adminUser, adminSecret) },
  ];
}

/**
 * The registry of subscribers: anyone may read it and add or remove a child (a subscriber needs no
 * credential), but only the admin identity may change the node itself or its ACL.
 */
export function registryAcl(adminUser: string, adminSecret: string): ACL[] {
  return [
    { perms: Perms.READ | Perms.CREATE | Perms.DELETE, id: { scheme: 'world', id: 'anyone' } },
    { perms: Perms.ALL, id: digestId(adminUser, adminSecret) },
  ];
}

/** What a subscriber writes into its registration node, and what the viewer accepts from one. */
export const subscriberRegistration = z.object({
  instanceId,
  url: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), 'an http or https URL'),
});
export type SubscriberRegistration = z.infer<typeof subscriberRegistration>;
