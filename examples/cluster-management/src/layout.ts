import { ensurePath, joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { z } from 'zod';

/**
 * The znodes of the log-collection system under its root (default /cluster-management):
 *
 *   /cluster-management
 *     machines                       GroupMember: every running machine, with its status
 *       <machine id>  [E]            {"role","version","load","working",...}
 *     sources                        the log sources to collect, created by the operator
 *       <source id>                  {"path":"/var/log/..."}
 *     coordinator                    LeaderLatch: the coordinators in line, the first one leads
 *       _c_<uuid>-latch-<seq> [ES]   the coordinator's id
 *     assignment                     {"generation","coordinator","fencingToken","collectors":{id:[source]}}
 *     claims                         who works a source right now (at most one, by construction)
 *       <source id>  [E]             the collector's id
 *
 * The assignment is one node, so that a rebalance is one atomic, version-checked write: no reader
 * ever sees half of a rebalance. A claim is an ephemeral node, so that ZooKeeper itself guarantees at
 * most one live session holds a source, and a dead collector's claims go with its session.
 */
export interface ClusterLayout {
  readonly root: string;
  readonly machines: string;
  readonly sources: string;
  readonly coordinator: string;
  readonly assignment: string;
  readonly claims: string;
}

export const DEFAULT_ROOT = '/cluster-management';

export function clusterLayout(root = DEFAULT_ROOT): ClusterLayout {
  return {
    root,
    machines: joinPath(root, 'machines'),
    sources: joinPath(root, 'sources'),
    coordinator: joinPath(root, 'coordinator'),
    assignment: joinPath(root, 'assignment'),
    claims: joinPath(root, 'claims'),
  };
}

/** Ids name znodes (machines, sources, claims): letters, digits, ".", "_", "-", starting with one of the first two. */
export const nodeId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'an id is 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** What every machine publishes in its member node (GroupMember payload). */
export const machineStatus = z.object({
  role: z.enum(['collector', 'coordinator']),
  version: z.string(),
  /** the URL its HTTP API answers at */
  url: z.string().optional(),
  /** collectors: sources worked right now (also their load) */
  working: z.array(z.string()).default([]),
  /** lines collected per second over the last few seconds */
  load: z.number().nonnegative().default(0),
  /** when the machine started, ms since the epoch */
  startedAt: z.number(),
});
export type MachineStatus = z.infer<typeof machineStatus>;

/** What a source node holds. */
export const sourceDescription = z.object({ path: z.string().min(1).max(1024) });
export type SourceDescription = z.infer<typeof sourceDescription>;

export const PATTERN_VERSION = '0.1.0';

/**
 * Creates the persistent nodes every service relies on; idempotent, so every coordinator and
 * collector calls it at start and none depends on another having run first.
 */
export async function ensureLayout(client: ZooKeeperClient, layout: ClusterLayout): Promise<void> {
  for (const path of [layout.machines, layout.sources, layout.coordinator, layout.claims, layout.assignment])
    await ensurePath(client, path);
}
