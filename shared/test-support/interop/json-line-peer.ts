import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

export interface PeerEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * A participant from another ecosystem (a JVM running Curator, a Python process running Kazoo),
 * driven by JSON lines over stdin/stdout: `call(op, args)` sends a command and resolves with its
 * result; unsolicited `{"event": ...}` lines are emitted as "event". Every call has a deadline, and
 * the process is killed on close or when this process exits.
 */
export class JsonLinePeer extends EventEmitter<{ event: [PeerEvent]; exit: [number | null] }> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly stderr: string[] = [];
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    super();
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => this.onLine(line));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      if (this.stderr.length > 200) this.stderr.shift();
    });
    child.on('exit', (code) => {
      this.exited = true;
      const error = new Error(`${name} exited with code ${code}; stderr:\n${this.stderrTail()}`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      this.emit('exit', code);
    });
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
  }

  /** Starts the process and waits for its {"event":"ready"} line. */
  static async start(
    name: string,
    command: string,
    args: string[],
    options: { readyTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<JsonLinePeer> {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    const peer = new JsonLinePeer(name, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `${name} did not start within ${options.readyTimeoutMs ?? 30_000} ms; stderr:\n${peer.stderrTail()}`,
          ),
        );
      }, options.readyTimeoutMs ?? 30_000);
      peer.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`${name} exited during start; stderr:\n${peer.stderrTail()}`));
      });
      const onEvent = (event: PeerEvent): void => {
        if (event.event !== 'ready') return;
        clearTimeout(timer);
        peer.off('event', onEvent);
        resolve();
      };
      peer.on('event', onEvent);
    });
    return peer;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Runs one command. `actor` names the thread (JVM) or task that runs it: commands of one actor run
   * in order, different actors concurrently.
   */
  call<T = unknown>(
    op: string,
    args: Record<string, unknown> = {},
    options: { actor?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${op} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.stdin!.write(`${JSON.stringify({ id, op, actor: options.actor ?? 'main', args })}\n`);
    });
  }

  /** Resolves with the first event named `name` that satisfies `match`. */
  waitForEvent(
    name: string,
    match: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('event', onEvent);
        reject(new Error(`${this.name}: no "${name}" event within ${timeoutMs} ms`));
      }, timeoutMs);
      const onEvent = (event: PeerEvent): void => {
        if (event.event !== name || !match(event.data)) return;
        clearTimeout(timer);
        this.off('event', onEvent);
        resolve(event.data);
      };
      this.on('event', onEvent);
    });
  }

  /** Kills the process (SIGKILL): to ZooKeeper, a crashed participant. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  stderrTail(): string {
    return this.stderr.join('').split('\n').slice(-30).join('\n');
  }

  private onLine(line: string): void {
    let message: {
      id?: number;
      ok?: boolean;
      result?: unknown;
      error?: string;
      event?: string;
      data?: Record<string, unknown>;
    };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      this.stderr.push(`[stdout, not JSON] ${line}\n`);
      return;
    }
    if (message.event !== undefined) {
      this.emit('event', { event: message.event, data: message.data ?? {} });
      return;
    }
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id!);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(`${this.name}: ${message.error ?? 'failed'}`));
  }
}
