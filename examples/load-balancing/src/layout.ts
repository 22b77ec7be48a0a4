import { joinPath } from '@zk-cookbook/core/client';
import { z } from 'zod';

/**
 * The znodes of the pattern, curator-x-discovery's layout under the pattern's root:
 *
 *   /load-balancing
 *     services                       container (ServiceDiscovery's base path)
 *       backend                      container, one per service name
 *         provider-1   [E]  {"name":"backend","id":"provider-1","address":"127.0.0.1","port":8121,
 *                            "sslPort":null,"payload":{"@class":"java.util.LinkedHashMap",
 *                            "weight":2,"zone":"eu-1"},"registrationTimeUTC":…,"serviceType":"DYNAMIC",
 *                            "uriSpec":{"parts":[…]}}
 *
 * A provider's node is ephemeral: it goes when the provider deregisters, or when its session
 * expires after a crash. Weight and zone travel in the payload, a plain JSON map, so a Java
 * service reads them with Curator's ServiceDiscovery<Map>.
 */
export const DEFAULT_ROOT = '/load-balancing';
export const DEFAULT_SERVICE_NAME = 'backend';

export function servicesPath(root = DEFAULT_ROOT): string {
  return joinPath(root, 'services');
}

/** Weight: a share of the traffic; 0 drains the provider (registered, but offered no new requests). */
export const providerWeight = z.coerce.number().int().min(0).max(100);
export const zoneName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a zone is 1-64 letters, digits, ".", "_" or "-"');

/** An instance id names a znode: the same rule as a zone. */
export const instanceId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'an id is 1-128 letters, digits, ".", "_" or "-"');

/** The payload of a provider's registration; a record without one counts as weight 1, zone "default". */
export const providerPayload = z.object({
  weight: providerWeight.default(1),
  zone: zoneName.default('default'),
});
export type ProviderPayload = z.infer<typeof providerPayload>;
