import { joinPath } from '@zk-cookbook/core/client';
import { z } from 'zod';

/**
 * The znodes of the naming service under its root (default /naming):
 *
 *   /naming
 *     id-types/<type>        {"generator":"sequential"} | {"generator":"range","rangeSize":1000}
 *     ids/<type>             [P] parent of the sequential ID nodes (never a container, never deleted)
 *       _c_<uuid>-id-0000000042   [PS] for a moment: deleted in batches once its number is taken
 *     counters/<type>        [P] 8-byte big-endian counter: the highest ID reserved so far
 *     names/<name>           [C] a container: gone by itself once its last binding is
 *       <owner>              [E] or [TTL]  {"addresses":["10.0.0.5:8080"],"lifetime":"session",…}
 *
 * A type's definition is written once and never changed: switching a type from one generator to
 * the other would start counting again from another counter, and IDs would repeat.
 */
export interface NamingLayout {
  readonly root: string;
  readonly idTypes: string;
  readonly sequences: string;
  readonly counters: string;
  readonly names: string;
}

export const DEFAULT_ROOT = '/naming';

export function namingLayout(root = DEFAULT_ROOT): NamingLayout {
  return {
    root,
    idTypes: joinPath(root, 'id-types'),
    sequences: joinPath(root, 'ids'),
    counters: joinPath(root, 'counters'),
    names: joinPath(root, 'names'),
  };
}

/** An ID type names its IDs ("job" → job-0000000042): lower-case letters, digits and "-". */
export const idTypeName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,31}$/,
    'an ID type is 1-32 lower-case letters, digits or "-", starting with a letter',
  );

/** The largest range a type may lease at once: a crash wastes at most this many IDs. */
export const MAX_RANGE_SIZE = 1_000_000;

export const idTypeDefinition = z.discriminatedUnion('generator', [
  z.object({ generator: z.literal('sequential') }).strict(),
  z
    .object({
      generator: z.literal('range'),
      rangeSize: z.number().int().min(1).max(MAX_RANGE_SIZE).default(1000),
    })
    .strict(),
]);
export type IdTypeDefinition = z.infer<typeof idTypeDefinition>;

/** A DNS-style name: dot-separated labels of letters, digits and "-" (never "." or ".." alone). */
export const registeredName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'a name is dot-separated labels of lower-case letters, digits and "-" (e.g. api.payments)',
  );

/** Who holds a binding (a host, an instance): one znode name under the name's node. */
export const bindingOwner = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'an owner is 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** host:port, the host a DNS name, an IPv4 address or a bracketed IPv6 address. */
export const bindingAddress = z
  .string()
  .max(262)
  .regex(
    /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/,
    'an address is host:port',
  )
  .refine((address) => {
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65_535;
  }, 'the port must be 1-65535');

/**
 * A binding's node data. `session` bindings are ephemeral nodes of the session that bound them;
 * `ttl` bindings are TTL nodes: the server removes them once unchanged for ttlMs (binding again
 * renews them).
 */
export const bindingData = z.object({
  addresses: z.array(bindingAddress).min(1).max(64),
  lifetime: z.enum(['session', 'ttl']),
  ttlMs: z.number().int().positive().optional(),
  /** the instance of the naming service (or the host itself) whose request wrote it */
  boundBy: z.string().max(128),
});
export type BindingData = z.infer<typeof bindingData>;

export function sequenceParent(layout: NamingLayout, type: string): string {
  return joinPath(layout.sequences, type);
}

export function counterPath(layout: NamingLayout, type: string): string {
  return joinPath(layout.counters, type);
}

export function namePath(layout: NamingLayout, name: string): string {
  return joinPath(layout.names, name);
}

export function bindingPath(layout: NamingLayout, name: string, owner: string): string {
  return joinPath(namePath(layout, name), owner);
}
