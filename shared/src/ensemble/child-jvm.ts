import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { JvmSpawnError, MemberStateError } from './errors.ts';
import { guardProcess, releaseProcess } from './process-guard.ts';
import { processState } from './process-state.ts';
import { waitUntil } from './wait-until.ts';

export type MemberState = 'running' | 'paused' | 'stopped';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface JvmCommand {
  readonly java: string;
  readonly args: readonly string[];
  /** The working directory; the JVM's stdout and stderr both go to `logFile`. */
  readonly directory: string;
  readonly logFile: string;
}

const STOP_TIMEOUT_MS = 10_000;
// Written to the log before each start, so errors show only the attempt that failed.
const START_MARKER = '=== zk-cookbook: starting';
const SIGNAL_TIMEOUT_MS = 5_000;

/**
 * One child JVM of a local cluster (a ZooKeeper server, a Kafka broker) and the faults we inject into
 * it: SIGTERM, SIGKILL, SIGSTOP, SIGCONT, by pid. It never outlives this process (process-guard.ts).
 * What "started" means (a quorum, a registration) is its owner's business: start() only spawns.
 */
export class ChildJvm {
  private child: ChildProcess | undefined;
  private exited: Promise<ProcessExit> | undefined;
  private paused = false;
  private exitRequested = false;
  private unexpectedExitInfo: ProcessExit | undefined;

  /** `label` names it in errors and in its log: "server 2", "broker 1". */
  constructor(
    readonly label: string,
    private readonly command: JvmCommand,
  ) {}

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

  get logFile(): string {
    return this.command.logFile;
  }

  async start(): Promise<void> {
    if (this.child) throw new MemberStateError(`${this.label} is already ${this.state}`);
    const { java, args, directory, logFile } = this.command;
    appendFileSync(logFile, `${START_MARKER} ${this.label} at ${new Date().toISOString()}\n`);
    const log = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(java, args, {
        cwd: directory,
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
      throw new JvmSpawnError(this.label, `cannot run ${java}: ${error.message}`, { cause: error });
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

  /** "code 1" or "signal SIGSEGV" for an unexpected exit; undefined if none happened. */
  describeUnexpectedExit(): string | undefined {
    const exit = this.unexpectedExitInfo;
    if (!exit) return undefined;
    return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  }

  logTail(lines = 40): string {
    return this.logSinceLastStart().trimEnd().split('\n').slice(-lines).join('\n');
  }

  logSinceLastStart(): string {
    try {
      const log = readFileSync(this.command.logFile, 'utf8');
      return log.slice(Math.max(0, log.lastIndexOf(START_MARKER)));
    } catch {
      return '(no log)';
    }
  }

  private signalRequestingExit(signal: NodeJS.Signals): boolean {
    if (!this.child) return false;
    this.exitRequested = true;
    // The child is unref'd so a forgotten cluster cannot keep a process alive; whoever awaits the
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
    if (pid === undefined) throw new MemberStateError(`cannot ${action} ${this.label}: it is not running`);
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
      `${this.label} (pid ${pid}) to be ${description}`,
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
