import { joinPath } from '@zk-cookbook/core/client';
import { z } from 'zod';

/** A round of the barrier demo, as its node holds it. */
export const roundSchema = z.object({
  /** the double barrier lets members in once this many have arrived */
  memberQty: z.number().int().min(1).max(64),
  /** how long each member works, on average (each draws 50–150 % of it, so they finish apart) */
  workMs: z.number().int().min(0).max(60_000),
  createdAt: z.number(),
});
export type Round = z.infer<typeof roundSchema>;

/** What each member writes when it is done, every time by its own clock (ms). */
export const roundReportSchema = z.object({
  instanceId: z.string(),
  /** passed the gate (the DistributedBarrier the monitor lowers) */
  gatePassedAt: z.number(),
  /** called enter() on the double barrier */
  arrivedAt: z.number(),
  /** enter() returned: everyone had arrived */
  enteredAt: z.number(),
  workEndedAt: z.number(),
  /** leave() returned: everyone had finished */
  leftAt: z.number(),
});
export type RoundReport = z.infer<typeof roundReportSchema>;

export const ROUND_PREFIX = 'round-';

export function roundPaths(roundsPath: string, roundId: string) {
  const round = joinPath(roundsPath, roundId);
  return {
    round,
    gate: joinPath(round, 'gate'),
    together: joinPath(round, 'together'),
    reports: joinPath(round, 'reports'),
  };
}

/**
 * Did they start together and finish together? Nobody's work may begin before the last member
 * arrived, and nobody may leave before the last member's work ended. Timestamps come from the
 * members' clocks: one machine here, so one clock; across machines the check would need the skew.
 */
export function judgeRound(reports: readonly RoundReport[]): {
  startedTogether: boolean;
  finishedTogether: boolean;
  /** from the first member entering to the last: how far apart the starts were */
  startSpreadMs: number;
  finishSpreadMs: number;
} {
  if (reports.length === 0)
    return { startedTogether: false, finishedTogether: false, startSpreadMs: 0, finishSpreadMs: 0 };
  const lastArrival = Math.max(...reports.map((report) => report.arrivedAt));
  const lastWorkEnd = Math.max(...reports.map((report) => report.workEndedAt));
  const entered = reports.map((report) => report.enteredAt);
  const left = reports.map((report) => report.leftAt);
  return {
    startedTogether: Math.min(...entered) >= lastArrival,
    finishedTogether: Math.min(...left) >= lastWorkEnd,
    startSpreadMs: Math.max(...entered) - Math.min(...entered),
    finishSpreadMs: Math.max(...left) - Math.min(...left),
  };
}
