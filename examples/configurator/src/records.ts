import { z } from 'zod';

/**
 * What each znode holds, as zod schemas: data read from ZooKeeper is input like any other (another
 * tool, an older release or a hand edit may have written it), so it is parsed, never cast.
 */

/** A configuration value: any JSON. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export const jsonValue: z.ZodType<JsonValue> = z.json();

export const namespaceRecord = z.object({
  description: z.string().default(''),
  /** a JSON Schema every value of the namespace must satisfy before it is published; null: any JSON */
  schema: z.record(z.string(), z.unknown()).nullable().default(null),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type NamespaceRecord = z.infer<typeof namespaceRecord>;

export const canaryRecord = z.object({ instances: z.array(z.string()).default([]) });
export type CanaryRecord = z.infer<typeof canaryRecord>;

/**
 * The key node. `latest` is the highest version ever created (numbers are never reused, even when
 * a gray release is aborted or old versions are pruned); `recent` maps the last publish ids to their
 * versions, so a client retrying a publish with the same id gets the first one back.
 */
export const keyRecord = z.object({
  latest: z.number().int().nonnegative(),
  recent: z.array(z.object({ publishId: z.string(), version: z.number().int().positive() })).default([]),
});
export type KeyRecord = z.infer<typeof keyRecord>;

export const publishKind = z.enum(['publish', 'rollback', 'gray']);
export type PublishKind = z.infer<typeof publishKind>;

/** One immutable version: the value and who published it, when and why. */
export const versionRecord = z.object({
  version: z.number().int().positive(),
  value: jsonValue,
  author: z.string(),
  message: z.string(),
  publishedAt: z.string(),
  publishId: z.string(),
  kind: publishKind,
  /** for a rollback: the version whose value this one repeats */
  rollbackOf: z.number().int().positive().optional(),
});
export type VersionRecord = z.infer<typeof versionRecord>;

/** `current` and `gray`: which version they point at, and the publish that moved them. */
export const pointerRecord = z.object({
  version: z.number().int().positive(),
  publishId: z.string(),
  movedBy: z.string(),
  movedAt: z.string(),
});
export type PointerRecord = z.infer<typeof pointerRecord>;

/** What a subscriber instance reports about itself (its ephemeral node). */
export const instanceReport = z.object({
  instanceId: z.string(),
  /** key → the version it has applied */
  versions: z.record(z.string(), z.number().int().positive()),
  /** zookeeper: live; file: started from its last known config while ZooKeeper was unreachable */
  source: z.enum(['zookeeper', 'file']),
  updatedAt: z.string(),
});
export type InstanceReport = z.infer<typeof instanceReport>;

/** Parses JSON znode data with a schema; a ZooKeeper-side corruption is an error naming the path. */
export function parseRecord<T>(schema: z.ZodType<T>, data: Buffer, path: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new CorruptNodeError(path, 'not JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new CorruptNodeError(path, result.error.issues[0]?.message ?? 'invalid');
  return result.data;
}

export class CorruptNodeError extends Error {
  override name = 'CorruptNodeError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path} holds data this service cannot read: ${detail}`);
  }
}

export function encodeRecord(record: unknown): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}
