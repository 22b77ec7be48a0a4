import { z } from 'zod';

/**
 * What a worker publishes in its group node, every heartbeat and on every change of role:
 * `beat` counts up so that a reader sees a living worker even when nothing else changes.
 */
export const heartbeatSchema = z.object({
  instanceId: z.string(),
  state: z.enum(['RUNNING', 'STANDBY']),
  /** random per process: tells this life of a worker from an earlier one of the same id */
  incarnation: z.string(),
  /** the last checkpoint offset this worker saw, and the task's size */
  offset: z.number().int().min(0),
  total: z.number().int().min(0),
  /** the fencing token of its term while RUNNING */
  token: z.string().optional(),
  appliedByUs: z.number().int().min(0),
  beat: z.number().int().min(0),
  /** the worker's own clock at the beat (for people: the monitor times heartbeats by its own clock) */
  sentAt: z.number(),
  url: z.string().optional(),
});

export type Heartbeat = z.infer<typeof heartbeatSchema>;

export function decodeHeartbeat(data: Buffer): Heartbeat | undefined {
  try {
    const result = heartbeatSchema.safeParse(JSON.parse(data.toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** What a graceful shutdown leaves behind, so that a monitor can tell it from a crash. */
export const departureSchema = z.object({ incarnation: z.string(), at: z.number() });
export type Departure = z.infer<typeof departureSchema>;
