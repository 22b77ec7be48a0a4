import { describe, expect, it } from 'vitest';
import { judgeRound, type RoundReport } from '../src/index.ts';

const report = (
  instanceId: string,
  times: Omit<RoundReport, 'instanceId' | 'gatePassedAt'>,
): RoundReport => ({
  instanceId,
  gatePassedAt: times.arrivedAt,
  ...times,
});

describe('judging a barrier round', () => {
  it('started together: nobody entered before the last arrival; finished together: nobody left before the last work ended', () => {
    const verdict = judgeRound([
      report('a', { arrivedAt: 100, enteredAt: 150, workEndedAt: 300, leftAt: 520 }),
      report('b', { arrivedAt: 150, enteredAt: 152, workEndedAt: 500, leftAt: 505 }),
    ]);
    expect(verdict).toEqual({
      startedTogether: true,
      finishedTogether: true,
      startSpreadMs: 2,
      finishSpreadMs: 15,
    });
  });

  it('catches a member that started before another arrived, or left before another finished', () => {
    const early = judgeRound([
      report('a', { arrivedAt: 100, enteredAt: 120, workEndedAt: 300, leftAt: 600 }),
      report('b', { arrivedAt: 150, enteredAt: 150, workEndedAt: 500, leftAt: 600 }),
    ]);
    expect(early.startedTogether).toBe(false);
    const leftEarly = judgeRound([
      report('a', { arrivedAt: 100, enteredAt: 150, workEndedAt: 300, leftAt: 310 }),
      report('b', { arrivedAt: 150, enteredAt: 150, workEndedAt: 500, leftAt: 500 }),
    ]);
    expect(leftEarly).toMatchObject({ startedTogether: true, finishedTogether: false });
  });

  it('an empty round proves nothing', () => {
    expect(judgeRound([])).toMatchObject({ startedTogether: false, finishedTogether: false });
  });
});
