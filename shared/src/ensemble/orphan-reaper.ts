import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The reaper is a tiny Node process whose stdin is a pipe from this process. It records the JVM pids
 * and data directories it is told about; when the pipe closes, this process is gone (a SIGKILL, an
 * OOM kill, a crashed test worker: cases where no exit handler runs), so it SIGKILLs the recorded
 * JVMs, stopped ones included, and deletes the directories.
 *
 * Protocol, one line each: `+pid 123`, `-pid 123`, `+dir /tmp/x`, `-dir /tmp/x`.
 */
const REAPER_SOURCE = `
const fs = require('node:fs');
const pids = new Set();
const dirs = new Set();
let pending = '';
// Dead, or a zombie (which writes no more files); a zombie may never be reaped in a container.
const gone = (pid) => {
  try { process.kill(pid, 0); } catch { return true; }
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state === 'Z' || state === 'X';
  } catch { return true; }
};
let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  // Remove the directories only once the JVMs are dead, or a dying one could still write into them.
  const deadline = Date.now() + 3000;
  const removeWhenDead = () => {
    if ([...pids].some((pid) => !gone(pid)) && Date.now() < deadline) return setTimeout(removeWhenDead, 20);
    for (const dir of dirs) { try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch {} }
    process.exit(0);
  };
  removeWhenDead();
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\\n')) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    const space = line.indexOf(' ');
    const command = line.slice(0, space);
    const value = line.slice(space + 1);
    if (command === '+pid') pids.add(Number(value));
    else if (command === '-pid') pids.delete(Number(value));
    else if (command === '+dir') dirs.add(value);
    else if (command === '-dir') dirs.delete(value);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
process.on('SIGTERM', reap);
process.on('SIGHUP', reap);
process.on('SIGINT', () => {});
`;

export class OrphanReaper {
  private constructor(private readonly child: ChildProcess) {}

  static spawn(): OrphanReaper {
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const child = spawn(process.execPath, ['-e', REAPER_SOURCE], {
      // Its own process group: a Ctrl-C aimed at the foreground job must not take the reaper down
      // before the parent had its chance to clean up.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env,
    });
    // The reaper must never keep this process alive, nor crash it if it dies first.
    child.unref();
    child.stdin?.on('error', () => {});
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return new OrphanReaper(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  watchPid(pid: number): void {
    this.send(`+pid ${pid}`);
  }

  forgetPid(pid: number): void {
    this.send(`-pid ${pid}`);
  }

  watchDirectory(path: string): void {
    this.send(`+dir ${path}`);
  }

  forgetDirectory(path: string): void {
    this.send(`-dir ${path}`);
  }

  private send(line: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(`${line}\n`);
  }
}
