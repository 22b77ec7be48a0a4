import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerMode } from '../fourletter/index.ts';
import { EnsembleMember, type ObservedMode } from './ensemble-member.ts';
import {
  resolveEnsembleOptions,
  type LocalEnsembleOptions,
  type ResolvedEnsembleOptions,
} from './ensemble-options.ts';
import {
  EnsembleError,
  EnsembleStartError,
  EnsembleTimeoutError,
  MemberStartError,
  MemberStateError,
} from './errors.ts';
import { expireSession, type SessionCredentials } from './expire-session.ts';
import { jvmArguments } from './jvm-arguments.ts';
import { locateJava } from './locate-java.ts';
import { locateZooKeeper, type ZooKeeperInstallation } from './locate-zookeeper.ts';
import { memberFiles, planMembers, writeMemberFiles } from './member-layout.ts';
import { guardDirectory, releaseDirectory } from './process-guard.ts';
import { waitUntil, type Probe } from './wait-until.ts';

const DEFAULT_WAIT_MS = 30_000;
// A port taken between choosing it and binding it is rare; three fresh sets of ports are plenty.
const START_ATTEMPTS = 3;

export interface WaitTimeout {
  timeoutMs?: number;
}

/**
 * A ZooKeeper ensemble of child JVMs on loopback ports, each member in its own directory under one
 * temporary directory, with fault injection on any member. Every JVM dies with this process, however
 * it ends (see process-guard.ts).
 *
 *   const ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 200 });
 *   const leader = await ensemble.leader();
 *   await ensemble.kill(leader!.id);
 *   await ensemble.waitForQuorum();
 *   await ensemble.close();
 */
export class LocalEnsemble {
  private closed = false;

  private constructor(
    /** The temporary directory that holds every member's directory. */
    readonly directory: string,
    readonly members: readonly EnsembleMember[],
    /** The ZooKeeper the members run: where it was found, its version, its classpath. */
    readonly zooKeeper: ZooKeeperInstallation,
    private readonly options: ResolvedEnsembleOptions,
  ) {}

  static async start(options: LocalEnsembleOptions = {}): Promise<LocalEnsemble> {
    const resolved = resolveEnsembleOptions(options);
    // Find java and ZooKeeper before creating anything, so a machine without them fails cleanly.
    const java = options.javaPath ?? locateJava();
    const zooKeeper = locateZooKeeper({
      zooKeeperHome: options.zooKeeperHome,
      release: options.zooKeeperRelease,
      debianJar: options.debianJar,
    });

    const directory = mkdtempSync(join(resolved.baseDirectory, 'zk-cookbook-ensemble-'));
    if (!resolved.keepData) guardDirectory(directory);

    for (let attempt = 1; ; attempt++) {
      const addresses = await planMembers(resolved);
      const members = addresses.map((address) => {
        const files = memberFiles(directory, address.id);
        writeMemberFiles(address, addresses, resolved.server, files);
        const args = jvmArguments(zooKeeper.classpath, files.configFile, files.directory, resolved.jvm);
        return new EnsembleMember(address, files, { java, args });
      });
      const ensemble = new LocalEnsemble(directory, members, zooKeeper, resolved);
      try {
        await Promise.all(members.map((member) => member.start()));
        await ensemble.waitForQuorum({ timeoutMs: resolved.startTimeoutMs });
        return ensemble;
      } catch (caught) {
        const error =
          caught instanceof EnsembleTimeoutError ? await ensemble.explainStartTimeout(caught) : caught;
        const retry =
          error instanceof MemberStartError &&
          error.portInUse &&
          resolved.basePort === undefined &&
          attempt < START_ATTEMPTS;
        await Promise.all(members.map((member) => member.kill()));
        if (!retry) {
          await ensemble.removeDirectory();
          throw error;
        }
      }
    }
  }

  /** ZooKeeper's standalone mode: one server, no quorum, no election. */
  get standalone(): boolean {
    return this.members.length === 1 && !this.options.server.reconfigEnabled;
  }

  get participants(): EnsembleMember[] {
    return this.members.filter((member) => member.role === 'participant');
  }

  get observers(): EnsembleMember[] {
    return this.members.filter((member) => member.role === 'observer');
  }

  /** Every member, observers included, as a client connect string. */
  get connectString(): string {
    return this.members.map((member) => member.address).join(',');
  }

  /** A connect string naming only some members, e.g. to pin a client to one follower. */
  connectStringOf(ids: readonly number[]): string {
    return ids.map((id) => this.member(id).address).join(',');
  }

  member(id: number): EnsembleMember {
    const member = this.members.find((each) => each.id === id);
    if (!member) throw new EnsembleError(`no server ${id} in this ensemble (ids ${this.ids().join(', ')})`);
    return member;
  }

  /** The modes a member may report once it serves in its role. */
  expectedModes(id: number): readonly ServerMode[] {
    if (this.standalone) return ['standalone'];
    return this.member(id).role === 'observer' ? ['observer'] : ['leader', 'follower'];
  }

  /** Asks every member with `srvr` (members we stopped or paused are reported without asking). */
  async modes(): Promise<Map<number, ObservedMode>> {
    const modes = await Promise.all(
      this.members.map(async (member) => [member.id, await member.mode()] as const),
    );
    return new Map(modes);
  }

  /** The member that currently says it leads (the single server, in standalone mode). */
  async leader(): Promise<EnsembleMember | undefined> {
    const modes = await this.modes();
    return this.members.find((member) => {
      const mode = modes.get(member.id);
      return mode === 'leader' || mode === 'standalone';
    });
  }

  /**
   * Waits until a majority of the voting members serve under exactly one leader and every running
   * member (stopped and paused ones aside) serves in its role. Resolves with the leader.
   */
  async waitForQuorum({ timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {}): Promise<EnsembleMember> {
    const majority = Math.floor(this.participants.length / 2) + 1;
    return waitUntil(
      'a quorum with one leader and every running member serving',
      async (): Promise<Probe<EnsembleMember>> => {
        const modes = await this.modes();
        this.throwOnUnexpectedExit();
        const running = this.members.filter((member) => member.state === 'running');
        const inRole = running.every((member) => this.isInRole(member.id, modes.get(member.id)));
        const leaders = this.members.filter((member) =>
          ['leader', 'standalone'].includes(modes.get(member.id) ?? ''),
        );
        const servingVoters = this.participants.filter((member) =>
          this.isInRole(member.id, modes.get(member.id)),
        );
        const leader = leaders[0];
        if (inRole && leader && leaders.length === 1 && servingVoters.length >= majority) {
          return { done: true, value: leader };
        }
        return { done: false, observed: describeModes(modes) };
      },
      { timeoutMs },
    );
  }

  /** Waits until one member reports one of the given modes (default: any mode of its role). */
  async waitForMode(
    id: number,
    mode: ObservedMode | readonly ObservedMode[] = this.expectedModes(id),
    { timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {},
  ): Promise<ObservedMode> {
    const wanted: readonly ObservedMode[] = typeof mode === 'string' ? [mode] : mode;
    const member = this.member(id);
    return waitUntil(
      `server ${id} to be ${wanted.join(' or ')}`,
      async (): Promise<Probe<ObservedMode>> => {
        const observed = await member.mode();
        if (wanted.includes(observed)) return { done: true, value: observed };
        const crashed = member.exitError();
        if (crashed) throw crashed;
        return { done: false, observed: `server ${id} is ${observed}` };
      },
      { timeoutMs },
    );
  }

  /** SIGTERM one member and wait for its JVM to exit. */
  async stop(id: number): Promise<void> {
    await this.member(id).stop();
  }

  /** SIGKILL one member: to its peers, a machine that vanished. */
  async kill(id: number): Promise<void> {
    await this.member(id).kill();
  }

  /** SIGSTOP one member: sockets stay open but nothing answers, like a long GC pause. */
  async pause(id: number): Promise<void> {
    await this.member(id).pause();
  }

  async resume(id: number): Promise<void> {
    await this.member(id).resume();
  }

  /** Starts a member again with its data directory and ports, and waits until it serves in its role. */
  async restart(id: number, { timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {}): Promise<void> {
    const member = this.member(id);
    if (member.state !== 'stopped') await member.stop();
    await member.start();
    await this.waitForMode(id, this.expectedModes(id), { timeoutMs });
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((member) => member.stop()));
  }

  /** Starts every stopped member and waits for the quorum. */
  async startAll({ timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {}): Promise<void> {
    this.assertOpen();
    await Promise.all(
      this.members.filter((member) => member.state === 'stopped').map((member) => member.start()),
    );
    await this.waitForQuorum({ timeoutMs });
  }

  /**
   * Expires a client's session on the servers (see expire-session.ts). The session is closed through
   * a member other than the one the client is connected to, so the client cannot win its connection
   * back before the close lands; it then learns of the expiry when it reconnects.
   */
  async expireSession(
    client: SessionCredentials & { connectedServer?: string | undefined },
    { timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {},
  ): Promise<void> {
    this.assertOpen();
    const running = this.members.filter((member) => member.state === 'running');
    const other = running.find((member) => member.address !== client.connectedServer) ?? running[0];
    if (!other) throw new EnsembleError('expireSession: no running member to close the session through');
    await expireSession(other.address, client, { timeoutMs });
  }

  /** Kills every JVM and removes the temporary directory (kept when ZK_KEEP_DATA=1). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // SIGKILL rather than a clean stop: the data is about to be deleted and tests wait on close().
    await Promise.all(this.members.map((member) => member.kill()));
    await this.removeDirectory();
  }

  private async explainStartTimeout(timeout: EnsembleTimeoutError): Promise<EnsembleStartError> {
    const modes = await this.modes();
    const logTails = new Map(
      this.members
        .filter((member) => !this.isInRole(member.id, modes.get(member.id)))
        .map((member) => [member.id, { logFile: member.files.logFile, tail: member.logTail(20) }] as const),
    );
    return new EnsembleStartError(timeout, logTails);
  }

  private async removeDirectory(): Promise<void> {
    if (this.options.keepData) return;
    rmSync(this.directory, { recursive: true, force: true });
    releaseDirectory(this.directory);
  }

  private isInRole(id: number, mode: ObservedMode | undefined): boolean {
    return mode !== undefined && (this.expectedModes(id) as readonly string[]).includes(mode);
  }

  private throwOnUnexpectedExit(): void {
    for (const member of this.members) {
      const crashed = member.exitError();
      if (crashed) throw crashed;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new MemberStateError('this ensemble is closed');
  }

  private ids(): number[] {
    return this.members.map((member) => member.id);
  }
}

function describeModes(modes: ReadonlyMap<number, ObservedMode>): string {
  return [...modes].map(([id, mode]) => `${id}=${mode}`).join(' ');
}
