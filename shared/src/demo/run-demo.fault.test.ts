import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.ts';

describe('the main demo', () => {
  it('runs workers that elect a leader and share a lock, and keeps going when the ZooKeeper leader is killed', async () => {
    const lines: string[] = [];
    let killed: Promise<void> | undefined;
    const summary = await runDemo({
      port: 0,
      tickTimeMs: 200,
      durationMs: 20_000,
      say: (line) => lines.push(line),
      onReady: ({ ensemble }) => {
        killed = (async () => {
          const leader = await ensemble!.waitForQuorum();
          await new Promise((resolve) => setTimeout(resolve, 4000));
          lines.push(`test: killing ZooKeeper server ${leader.id}`);
          await ensemble!.kill(leader.id);
        })();
      },
    });
    await killed;
    expect(summary.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const tallies = Object.values(summary.workers);
    expect(tallies).toHaveLength(3);
    const holds = tallies.reduce((sum, tally) => sum + tally.lockHolds, 0);
    // The counter is read and written under the lock: every hold counted once, none lost.
    expect(summary.counter).toBe(holds);
    expect(holds).toBeGreaterThan(10);
    expect(tallies.reduce((sum, tally) => sum + tally.terms, 0)).toBeGreaterThanOrEqual(1);
    expect(tallies.reduce((sum, tally) => sum + tally.heartbeats, 0)).toBeGreaterThan(5);
    expect(tallies.every((tally) => tally.configVersionsSeen >= 2)).toBe(true);
    // Work went on after the kill.
    const killedAt = lines.findIndex((line) => line.startsWith('test: killing'));
    expect(killedAt).toBeGreaterThan(0);
    expect(lines.slice(killedAt).some((line) => /connection (suspended|reconnected)/.test(line))).toBe(true);
    expect(lines.some((line) => /is the leader now \(fencing token \d+\)/.test(line))).toBe(true);
  }, 90_000);
});
