import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PatternError } from './pattern-manifest.ts';

export interface ServiceProcessOptions {
  /** e.g. "subscriber-2"; prefixes every line the process prints */
  readonly instanceId: string;
  readonly entry: string;
  readonly cwd: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  /** where the process's output lines go, already prefixed */
  readonly output: (line: string) => void;
}

// A service runs from its TypeScript sources, as in a clone: tsx compiles on the fly and the source
// condition makes `@zk-cookbook/core/...` resolve to the library's sources, so nothing needs building.
const TSX_LOADER = import.meta.resolve('tsx');
const RECENT_LINES = 20;

/** One running instance of a pattern's service, started as a child process of this CLI. */
export class ServiceProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  private readonly recent: string[] = [];
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly options: ServiceProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.child = spawn(
      process.execPath,
      ['--conditions=zk-cookbook-source', '--import', TSX_LOADER, options.entry],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env, HOST: '127.0.0.1', PORT: String(options.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.remember(line));
    }
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      this.exit = { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
    // A spawn failure (no node binary, bad cwd) arrives as 'error' and then 'exit' never comes.
    this.child.once('error', (error) => {
      this.remember(`could not start: ${error.message}`);
      this.exit ??= { code: null, signal: null };
      this.child.emit('exit', null, null);
    });
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Polls GET /readyz until it answers 200; fails early, with the process's last lines, if it dies. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastAnswer = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) throw this.failure(`exited (${this.describeExit()}) before it was ready`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
        if (response.status === 200) return;
        lastAnswer = `/readyz answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
      } catch (error) {
        lastAnswer = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw this.failure(`not ready after ${timeoutMs} ms (${lastAnswer})`);
  }

  /** SIGTERM and the service's own graceful shutdown; SIGKILL if it has not exited after graceMs. */
  async stop(graceMs = 10_000): Promise<{ graceful: boolean; code: number | null }> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return {
      graceful: this.exit?.signal !== 'SIGKILL' && this.exit?.code === 0,
      code: this.exit?.code ?? null,
    };
  }

  /** For the CLI's last-resort exit handler: no waiting, just make sure nothing outlives us. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
    this.options.output(`[${this.options.instanceId}] ${line}`);
  }

  private describeExit(): string {
    return this.exit?.signal ? `signal ${this.exit.signal}` : `code ${this.exit?.code ?? 'unknown'}`;
  }

  private failure(what: string): PatternError {
    const tail = this.recent.length > 0 ? `\nits last output:\n  ${this.recent.join('\n  ')}` : '';
    return new PatternError(`service ${this.options.instanceId} (${this.options.entry}) ${what}${tail}`);
  }
}
