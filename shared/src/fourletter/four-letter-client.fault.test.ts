import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEnsemble } from '../ensemble/index.ts';
import { FourLetterWordError } from './errors.ts';
import type { FourLetterClient } from './four-letter-client.ts';

// Against real 3.8 servers: one that allows every word, one that allows only srvr.
describe('FourLetterClient against a real server', () => {
  let open: LocalEnsemble;
  let strict: LocalEnsemble;
  let client: FourLetterClient;

  beforeAll(async () => {
    [open, strict] = await Promise.all([
      LocalEnsemble.start({ servers: 1, tickTimeMs: 200 }),
      LocalEnsemble.start({ servers: 1, tickTimeMs: 200, extraConfig: { '4lw.commands.whitelist': 'srvr' } }),
    ]);
    client = open.member(1).fourLetter;
  });

  afterAll(async () => {
    await Promise.all([open?.close(), strict?.close()]);
  });

  it('answers srvr and stat with the mode and counters', async () => {
    const srvr = await client.srvr();
    expect(srvr).toMatchObject({ serving: true, mode: 'standalone', outstanding: 0 });
    expect(srvr.serving && typeof srvr.zxid).toBe('bigint');
    const stat = await client.stat();
    // The asking connection is itself one of the clients.
    expect(stat.serving && stat.clients?.length).toBeGreaterThanOrEqual(1);
  });

  it('answers mntr, cons, wchs, conf, isro and ruok', async () => {
    const mntr = await client.mntr();
    expect(mntr.serverState).toBe('standalone');
    expect(mntr.znodeCount).toBeGreaterThanOrEqual(4);
    expect(mntr.metrics.size).toBeGreaterThan(100);

    const connections = await client.cons();
    expect(connections.length).toBeGreaterThanOrEqual(1);
    expect(connections[0]?.address).toMatch(/^127\.0\.0\.1:\d+$/);

    expect(await client.wchs()).toEqual({ connections: 0, paths: 0, totalWatches: 0 });
    expect((await client.conf()).get('clientPort')).toBe(String(open.member(1).clientPort));
    expect(await client.isro()).toBe('rw');
    expect(await client.ruok()).toBe(true);
  });

  it('reports a word missing from the whitelist as "not-whitelisted"', async () => {
    const strictClient = strict.member(1).fourLetter;
    await expect(strictClient.srvr()).resolves.toMatchObject({ serving: true });
    const error = await strictClient.mntr().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FourLetterWordError);
    expect(error).toMatchObject({ reason: 'not-whitelisted', word: 'mntr' });
  });

  it('reports a stopped server as "refused"', async () => {
    const member = strict.member(1);
    await strict.stop(1);
    const error = await member.fourLetter.ruok().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'refused' });
  });
});
