import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';

const PATTERN_DIRECTORY = join(REPOSITORY_ROOT, 'examples/load-balancing');

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** SIGTERM, then wait for the graceful exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * One of the pattern's services as the one-command run starts it (`src/<entry>` through tsx, from
 * the pattern's folder), on a free port; resolves once it logs the URL it listens on.
 */
export async function startServiceProcess(
  entry: 'provider-main.ts' | 'gateway-main.ts',
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', join('src', entry)],
    {
      cwd: PATTERN_DIRECTORY,
      env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start within 60 s:\n${output.slice(-2_000)}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"(provider|gateway) listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output.slice(-2_000)}`));
    });
  });
  // Keep draining its output, or a full pipe would block the service.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    child,
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}

/** Polls `url` until it answers 200 (a provider registered, a gateway that has read the list). */
export async function waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${url} not ready within ${timeoutMs} ms (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
