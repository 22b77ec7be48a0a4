import {
  FourLetterClient,
  FourLetterWordError,
  type ServerMode,
  type ServerStats,
} from '../fourletter/index.ts';
import { ChildJvm, type MemberState, type ProcessExit } from './child-jvm.ts';
import { JvmSpawnError, MemberStartError } from './errors.ts';
import type { MemberAddress, MemberRole } from './server-config.ts';

export type { MemberState, ProcessExit } from './child-jvm.ts';

/**
 * What asking a member "what are you?" yields: a server mode, or why there is none.
 * - not-serving: the JVM answers but has no quorum (electing, syncing, or cut off)
 * - unresponsive: the connection opened but no answer came in time (paused, overloaded)
 * - down: nothing listens (stopped, killed, not started yet)
 * - paused: we SIGSTOPped it, so we did not ask
 */
export type ObservedMode = ServerMode | 'not-serving' | 'unresponsive' | 'down' | 'paused';

export interface MemberFiles {
  /** Holds zoo.cfg, the log and the data directory. */
  readonly directory: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly dynamicConfigFile: string;
  readonly logFile: string;
}

export interface MemberCommand {
  readonly java: string;
  readonly args: readonly string[];
}

/** One ZooKeeper server of a local ensemble: its address, its files and its JVM. */
export class EnsembleMember implements MemberAddress {
  readonly id: number;
  readonly role: MemberRole;
  readonly host: string;
  readonly clientPort: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly fourLetter: FourLetterClient;
  private readonly jvm: ChildJvm;

  constructor(
    address: MemberAddress,
    readonly files: MemberFiles,
    command: MemberCommand,
  ) {
    this.id = address.id;
    this.role = address.role;
    this.host = address.host;
    this.clientPort = address.clientPort;
    this.quorumPort = address.quorumPort;
    this.electionPort = address.electionPort;
    this.fourLetter = new FourLetterClient(this.host, this.clientPort);
    this.jvm = new ChildJvm(`server ${this.id}`, {
      ...command,
      directory: files.directory,
      logFile: files.logFile,
    });
  }

  /** `host:clientPort`, the form a connect string lists. */
  get address(): string {
    return `${this.host}:${this.clientPort}`;
  }

  get pid(): number | undefined {
    return this.jvm.pid;
  }

  get state(): MemberState {
    return this.jvm.state;
  }

  /** Set when the JVM exited without being asked to (a crash, a bind failure); cleared on start. */
  get unexpectedExit(): ProcessExit | undefined {
    return this.jvm.unexpectedExit;
  }

  /** Spawns the JVM; does not wait for it to serve (the ensemble knows what "serving" means). */
  async start(): Promise<void> {
    try {
      await this.jvm.start();
    } catch (error) {
      if (!(error instanceof JvmSpawnError)) throw error;
      throw new MemberStartError(this.id, error.detail, this.files.logFile, '');
    }
  }

  /** SIGTERM (a clean shutdown) and wait for the exit; SIGKILL if it takes longer than the timeout. */
  stop(options: { timeoutMs?: number } = {}): Promise<ProcessExit | undefined> {
    return this.jvm.stop(options);
  }

  /** SIGKILL, the crash of a machine as far as the others can tell; works on a paused JVM too. */
  kill(): Promise<ProcessExit | undefined> {
    return this.jvm.kill();
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing, like a long GC pause or a hung VM. */
  pause(): Promise<void> {
    return this.jvm.pause();
  }

  resume(): Promise<void> {
    return this.jvm.resume();
  }

  /** Asks the server with `srvr`. Rejects with FourLetterWordError when it is down or hung. */
  srvr(timeoutMs = 1_000): Promise<ServerStats> {
    return this.fourLetter.srvr({ timeoutMs });
  }

  async mode(timeoutMs = 1_000): Promise<ObservedMode> {
    if (this.state === 'paused') return 'paused';
    if (this.state === 'stopped') return 'down';
    try {
      const stats = await this.srvr(timeoutMs);
      return stats.serving ? stats.mode : 'not-serving';
    } catch (error) {
      if (!(error instanceof FourLetterWordError)) throw error;
      return error.reason === 'timeout' ? 'unresponsive' : 'down';
    }
  }

  logTail(lines = 40): string {
    return this.jvm.logTail(lines);
  }

  /** A MemberStartError describing an unexpected exit, with the log tail; undefined if none happened. */
  exitError(): MemberStartError | undefined {
    const how = this.jvm.describeUnexpectedExit();
    if (!how) return undefined;
    const portInUse = /BindException|Address already in use/.test(this.jvm.logSinceLastStart());
    return new MemberStartError(
      this.id,
      `the JVM exited with ${how}`,
      this.files.logFile,
      this.logTail(),
      portInUse,
    );
  }
}
