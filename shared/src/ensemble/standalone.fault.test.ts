import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EnsembleError, MemberStartError } from './errors.ts';
import { LocalEnsemble } from './local-ensemble.ts';
import { allocateFreePorts } from './free-ports.ts';

const ensembles: LocalEnsemble[] = [];
async function start(...args: Parameters<typeof LocalEnsemble.start>): Promise<LocalEnsemble> {
  const ensemble = await LocalEnsemble.start(...args);
  ensembles.push(ensemble);
  return ensemble;
}
afterEach(async () => {
  await Promise.all(ensembles.splice(0).map((ensemble) => ensemble.close()));
});

describe('a single server', () => {
  it('runs in standalone mode and leads itself', async () => {
    const started = performance.now();
    const ensemble = await start({ servers: 1, tickTimeMs: 200, maxSessionTimeoutMs: 30_000 });
    console.info(`standalone server started in ${Math.round(performance.now() - started)} ms`);

    expect(ensemble.standalone).toBe(true);
    expect(await ensemble.modes()).toEqual(new Map([[1, 'standalone']]));
    expect((await ensemble.leader())?.id).toBe(1);
    expect(ensemble.connectString).toBe(`127.0.0.1:${ensemble.member(1).clientPort}`);

    const conf = await ensemble.member(1).fourLetter.conf();
    expect(conf.get('tickTime')).toBe('200');
    expect(conf.get('minSessionTimeout')).toBe('400');
    expect(conf.get('maxSessionTimeout')).toBe('30000');
  });

  it('keeps its data directory and ports across a restart', async () => {
    const ensemble = await start({ servers: 1, tickTimeMs: 200 });
    const member = ensemble.member(1);
    const { clientPort, pid } = member;
    await ensemble.restart(1);
    expect(member.pid).not.toBe(pid);
    expect(member.clientPort).toBe(clientPort);
    expect(await member.mode()).toBe('standalone');
  });

  it('names the members it has when asked for one it has not', async () => {
    const ensemble = await start({ servers: 1, tickTimeMs: 200 });
    expect(() => ensemble.member(7)).toThrow(EnsembleError);
    expect(() => ensemble.member(7)).toThrow('ids 1');
  });
});

describe('a single server with reconfig enabled', () => {
  it('stays in quorum mode, leads, and publishes its membership from the dynamic file', async () => {
    const ensemble = await start({ servers: 1, tickTimeMs: 200, reconfigEnabled: true });
    expect(ensemble.standalone).toBe(false);
    expect(await ensemble.modes()).toEqual(new Map([[1, 'leader']]));
    const member = ensemble.member(1);
    const conf = await member.fourLetter.conf();
    expect(conf.get('server.1')).toBe(
      `127.0.0.1:${member.quorumPort}:${member.electionPort}:participant;127.0.0.1:${member.clientPort}`,
    );
  });
});

describe('a server that cannot start', () => {
  it('reports the tail of its log', async () => {
    const failure = await LocalEnsemble.start({ servers: 1, extraJvmFlags: ['-XX:+NoSuchOption'] }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MemberStartError);
    expect((failure as MemberStartError).message).toMatch(/Unrecognized VM option 'NoSuchOption'/);
  });

  it('reports a port taken by another process, and leaves no directory behind', async () => {
    const [port = 0] = await allocateFreePorts(1);
    // It hangs up on whoever connects, so the launcher's polling cannot keep it from closing.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const failure = (await LocalEnsemble.start({ servers: 1, basePort: port }).catch(
        (error: unknown) => error,
      )) as MemberStartError;
      expect(failure).toBeInstanceOf(MemberStartError);
      expect(failure.portInUse).toBe(true);
      expect(existsSync(failure.logFile)).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
