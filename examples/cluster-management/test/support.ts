import { pino } from 'pino';
import { expect } from 'vitest';
import type { RunningCollector, RunningCoordinator } from '../src/index.ts';

/** Test services log nothing unless LOG_LEVEL asks. */
export const quietLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export async function getJson<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function addSource(coordinatorUrl: string, source: string): Promise<void> {
  const { status } = await getJson(`${coordinatorUrl}/api/sources/${source}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: `/var/log/${source}.log` }),
  });
  expect([200, 201]).toContain(status);
}

/**
 * Settled: the leader's assignment gives every source to exactly one of `collectors` (and no other
 * collector any), and every collector works exactly what it is assigned.
 */
export function expectSettled(
  coordinator: RunningCoordinator,
  collectors: readonly RunningCollector[],
  sources: readonly string[],
): void {
  const assignment = coordinator.coordinator.currentAssignment();
  const ids = collectors.map((each) => each.collector?.id ?? '?').sort();
  expect(Object.keys(assignment.collectors).sort()).toEqual(ids);
  expect(Object.values(assignment.collectors).flat().sort()).toEqual([...sources].sort());
  for (const running of collectors) {
    const collector = running.collector!;
    expect(collector.generation).toBe(assignment.generation);
    expect(collector.working, collector.id).toEqual([...(assignment.collectors[collector.id] ?? [])].sort());
  }
}
