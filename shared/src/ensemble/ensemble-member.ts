import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import {
  FourLetterClient,
  FourLetterWordError,
  type ServerMode,
  type ServerStats,
} from '../fourletter/index.ts';
import { MemberStartError, MemberStateError } from './errors.ts';
import { guardProcess, releaseProcess } from './process-guard.ts';
import { processState } from './process-state.ts';
import type { MemberAddress, MemberRole } from './server-config.ts';
import { waitUntil } from './wait-until.ts';

/**
 * What asking a member "what are you?" yields: a server mode, or why there is none.
 * - not-serving: the JVM answers but has no quorum (electing, syncing, or cut off)
 * - unresponsive: the connection opened but no answer came in time (paused, overloaded)
 * - down: nothing listens (stopped, killed, not started yet)
 * - paused: we SIGSTOPped it, so we did not ask
 */
export type ObservedMode = ServerMode | 'not-serving' | 'unresponsive' | 'down' | 'paused';

export type MemberState = 'running' | 'paused' | 'stopped';

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

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const STOP_TIMEOUT_MS = 10_000;
// Written to the log before each start, so errors show only the attempt that failed.
const START_MARKER = '=== zk-cookbook: starting server';
const SIGNAL_TIMEOUT_MS = 5_000;

/** One ZooKeeper server of a local ensemble: its address, its files and its JVM. */
export class EnsembleMember implements MemberAddress {
  readonly id: number;
  readonly role: MemberRole;
  readonly host: string;
  readonly clientPort: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly fourLetter: FourLetterClient;

  private child: ChildProcess | undefined;
  private exited: Promise<ProcessExit> | undefined;
  private paused = false;
  private exitRequested = false;
  private unexpectedExitInfo: ProcessExit | undefined;

  constructor(
    address: MemberAddress,
    readonly files: MemberFiles,
    private readonly command: MemberCommand,
  ) {
    this.id = address.id;
    this.role = address.role;
    this.host = address.host;
    this.clientPort = address.clientPort;
    this.quorumPort = address.quorumPort;
    this.electionPort = address.electionPort;
    this.fourLetter = new FourLetterClient(this.host, this.clientPort);
  }

  /** `host:clientPort`, the form a connect string lists. */
  get address(): string {
    return `${this.host}:${this.clientPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get state(): MemberState {
    if (!this.child) return 'stopped';
    return this.paused ? 'paused' : 'running';
  }

  /** Set when the JVM exited without being asked to (a crash, a bind failure); cleared on start. */
  get unexpectedExit(): ProcessExit | undefined {
    return this.unexpectedExitInfo;
  }

  /** Spawns the JVM; does not wait for it to serve (the ensemble knows what "serving" means). */
  async start(): Promise<void> {
    if (this.child) throw new MemberStateError(`server ${this.id} is already ${this.state}`);
    appendFileSync(this.files.logFile, `${START_MARKER} ${this.id} at ${new Date().toISOString()}\n`);
    const log = openSync(this.files.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.command.java, this.command.args, {
        cwd: this.files.directory,
        // Its own process group, so a Ctrl-C in the terminal reaches only us and we decide the order
        // of shutdown; the process guard makes sure it does not outlive us.
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    if (child.pid === undefined) {
      const [error] = (await once(child, 'error')) as [Error];
      throw new MemberStartError(
        this.id,
        `cannot run ${this.command.java}: ${error.message}`,
        this.files.logFile,
        '',
      );
    }

    const pid = child.pid;
    guardProcess(pid);
    child.unref();
    this.child = child;
    this.paused = false;
    this.exitRequested = false;
    this.unexpectedExitInfo = undefined;
    this.exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        releaseProcess(pid);
        if (this.child === child) {
          if (!this.exitRequested) this.unexpectedExitInfo = { code, signal };
          this.child = undefined;
          this.paused = false;
        }
        resolve({ code, signal });
      });
    });
  }

  /** SIGTERM (a clean shutdown) and wait for the exit; SIGKILL if it takes longer than the timeout. */
  async stop({ timeoutMs = STOP_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<ProcessExit | undefined> {
    const exited = this.exited;
    if (!this.signalRequestingExit('SIGTERM') || !exited) return undefined;
    // A stopped process keeps a pending SIGTERM until it runs again.
    if (this.paused) this.signal('SIGCONT');
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL, the crash of a machine as far as the others can tell; works on a paused JVM too. */
  async kill(): Promise<ProcessExit | undefined> {
    const exited = this.exited;
    if (!this.signalRequestingExit('SIGKILL') || !exited) return undefined;
    return exited;
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing, like a long GC pause or a hung VM. */
  async pause(): Promise<void> {
    const pid = this.requirePid('pause');
    this.signal('SIGSTOP');
    this.paused = true;
    await this.waitForKernelState(pid, 'stopped', (state) => state === 'T' || state === undefined);
  }

  async resume(): Promise<void> {
    const pid = this.requirePid('resume');
    this.signal('SIGCONT');
    this.paused = false;
    await this.waitForKernelState(pid, 'running again', (state) => state !== 'T');
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
    return this.logSinceLastStart().trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** A MemberStartError describing an unexpected exit, with the log tail; undefined if none happened. */
  exitError(): MemberStartError | undefined {
    const exit = this.unexpectedExitInfo;
    if (!exit) return undefined;
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    const portInUse = /BindException|Address already in use/.test(this.logSinceLastStart());
    return new MemberStartError(
      this.id,
      `the JVM exited with ${how}`,
      this.files.logFile,
      this.logTail(),
      portInUse,
    );
  }

  private logSinceLastStart(): string {
    try {
      const log = readFileSync(this.files.logFile, 'utf8');
      return log.slice(Math.max(0, log.lastIndexOf(START_MARKER)));
    } catch {
      return '(no log)';
    }
  }

  private signalRequestingExit(signal: NodeJS.Signals): boolean {
    if (!this.child) return false;
    this.exitRequested = true;
    // The child is unref'd so a forgotten ensemble cannot keep a process alive; whoever awaits the
    // exit must keep the event loop running until it arrives.
    this.child.ref();
    this.signal(signal);
    return true;
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch (error) {
      // ESRCH: it exited between our check and the signal; the exit handler will catch up.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  private requirePid(action: string): number {
    const pid = this.child?.pid;
    if (pid === undefined)
      throw new MemberStateError(`cannot ${action} server ${this.id}: it is not running`);
    return pid;
  }

  // Signals are delivered asynchronously; waiting for the kernel to report the new state means the
  // next line of a test really runs against a stopped (or running) process.
  private async waitForKernelState(
    pid: number,
    description: string,
    reached: (state: string | undefined) => boolean,
  ): Promise<void> {
    await waitUntil(
      `server ${this.id} (pid ${pid}) to be ${description}`,
      async () => {
        const state = processState(pid);
        return reached(state)
          ? { done: true, value: undefined }
          : { done: false, observed: `state ${state}` };
      },
      { timeoutMs: SIGNAL_TIMEOUT_MS, intervalMs: 5 },
    );
  }
}
