import { describe, expect, it } from 'vitest';
import { useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { partitionMinority, readAfterOtherClientsWrite } from './cap-partition.ts';

const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200, readOnlyMode: true });

describe('CAP on a real ensemble', () => {
  it('a partitioned minority refuses writes but its read-only server serves the stale value', async () => {
    const outcome = await partitionMinority(dedicated.ensemble);
    expect(outcome.committed).toBe('v2');
    // Availability for reads, paid for with consistency: the quorum has v2, the minority says v1.
    expect(outcome.servedByMinority).toBe('v1');
    expect(outcome.writeRefusedWith).toBe('NOTREADONLY');
  });

  it('after the partition heals, sync then read returns the latest write through another server', async () => {
    const outcome = await readAfterOtherClientsWrite(dedicated.ensemble, 30);
    expect(outcome.staleAfterSync).toBe(0);
    expect(outcome.rounds).toBe(30);
  });
});
