import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client/index.ts';
import { FourLetterWordError } from '../fourletter/index.ts';
import type { EnsembleMember } from './ensemble-member.ts';
import { LocalEnsemble } from './local-ensemble.ts';
import { isProcessAlive } from './process-state.ts';

// One ensemble for the whole file: starting four JVMs is the expensive part, and each test leaves
// the ensemble whole again (every member serving) before the next one runs.
describe('a 3-server ensemble with an observer', () => {
  let ensemble: LocalEnsemble;
  let startMs: number;

  beforeAll(async () => {
    const started = performance.now();
    ensemble = await LocalEnsemble.start({ servers: 3, observers: 1, tickTimeMs: 200 });
    startMs = performance.now() - started;
  });

  afterAll(async () => {
    await ensemble?.close();
  });

  async function aFollower(): Promise<EnsembleMember> {
    const modes = await ensemble.modes();
    const follower = ensemble.members.find((member) => modes.get(member.id) === 'follower');
    if (!follower) throw new Error(`no follower among ${JSON.stringify([...modes])}`);
    return follower;
  }

  it('starts with one leader, two followers and an observer, each on its own ports', async () => {
    console.info(`3 servers + 1 observer started in ${Math.round(startMs)} ms`);
    const modes = [...(await ensemble.modes()).values()];
    expect(modes.filter((mode) => mode === 'leader')).toHaveLength(1);
    expect(modes.filter((mode) => mode === 'follower')).toHaveLength(2);
    expect(ensemble.member(4)).toMatchObject({ role: 'observer' });
    expect(modes[3]).toBe('observer');

    const ports = ensemble.members.flatMap((member) => [
      member.clientPort,
      member.quorumPort,
      member.electionPort,
    ]);
    expect(new Set(ports).size).toBe(12);
    expect(ports).not.toContain(2181);
    expect(ensemble.connectString.split(',')).toHaveLength(4);
    expect(ensemble.connectStringOf([2, 4])).toBe(
      `127.0.0.1:${ensemble.member(2).clientPort},${ensemble.member(4).address}`,
    );
    for (const member of ensemble.members) expect(isProcessAlive(member.pid ?? -1)).toBe(true);
  });

  it('elects a new leader among the rest when the leader is killed, and takes the old one back as follower', async () => {
    const oldLeader = await ensemble.waitForQuorum();
    await ensemble.kill(oldLeader.id);
    expect(oldLeader.state).toBe('stopped');
    expect(await oldLeader.mode()).toBe('down');

    const newLeader = await ensemble.waitForQuorum({ timeoutMs: 20_000 });
    expect(newLeader.id).not.toBe(oldLeader.id);
    expect(newLeader.role).toBe('participant');

    await ensemble.restart(oldLeader.id);
    expect(await ensemble.waitForMode(oldLeader.id, 'follower')).toBe('follower');
    expect((await ensemble.leader())?.id).toBe(newLeader.id);
  });

  it('stops answering while a follower is paused, and answers again once resumed', async () => {
    const follower = await aFollower();
    await ensemble.pause(follower.id);
    expect(follower.state).toBe('paused');

    const error = await follower.srvr(300).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FourLetterWordError);
    expect((error as FourLetterWordError).reason).toBe('timeout');
    // Two of three voters still form a quorum.
    expect((await ensemble.waitForQuorum()).id).not.toBe(follower.id);

    await ensemble.resume(follower.id);
    await expect(follower.srvr(5_000)).resolves.toBeDefined();
    await ensemble.waitForMode(follower.id, 'follower');
  });

  it('stops a member with SIGTERM and starts it again with startAll', async () => {
    const follower = await aFollower();
    const pid = follower.pid ?? -1;
    await ensemble.stop(follower.id);
    expect(isProcessAlive(pid)).toBe(false);
    expect((await ensemble.modes()).get(follower.id)).toBe('down');

    await ensemble.startAll();
    expect(follower.pid).not.toBe(pid);
    expect(await follower.mode()).toBe('follower');
  });

  it('expires the session it was given, not one its credentials hold later', async () => {
    const target = await ZooKeeperClient.connect(ensemble.connectString, { renewSessionOnExpiry: false });
    const bystander = await ZooKeeperClient.connect(ensemble.connectString);
    try {
      // Credentials that turn into another session once read: a live client renewing its session
      // after the close looks like this to a retry that reads them again.
      let reads = 0;
      const shifting = {
        get sessionId() {
          return reads++ === 0 ? target.sessionId : bystander.sessionId;
        },
        get sessionPassword() {
          return reads <= 1 ? target.sessionPassword : bystander.sessionPassword;
        },
      };
      const bystanderSession = bystander.sessionId;
      await ensemble.expireSession(shifting);

      await expect(target.exists('/')).rejects.toThrow();
      expect(await bystander.exists('/')).not.toBeNull();
      expect(bystander.sessionId).toBe(bystanderSession);
    } finally {
      await target.close();
      await bystander.close();
    }
  });

  it('kills every JVM and removes its directory on close', async () => {
    const pids = ensemble.members.map((member) => member.pid ?? -1);
    await ensemble.close();
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(ensemble.directory)).toBe(false);
    await ensemble.close();
  });
});
