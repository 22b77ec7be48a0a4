import {
  ZooKeeperClient,
  deleteRecursive,
  ensurePath,
  type ZooKeeperClientOptions,
} from '@zk-cookbook/core/client';
import { CheckFailure, type CheckResult } from './check-report.ts';

/** Everything a checker gets: where to connect, the module under test, and a way to record checks. */
export interface CheckContext {
  /** the ensemble, without chroot: for tools that act on a session from outside (expireSession) */
  readonly ensembleConnectString: string;
  /** this run's private subtree, e.g. /zk-cookbook-workshop/03-a1b2c3 */
  readonly chroot: string;
  /** ensemble + chroot: every client the exercise code gets is rooted here */
  readonly connectString: string;
  /** the starter or the solution file the checker loads or runs */
  readonly modulePath: string;
  /** a client under the chroot, closed when the checker ends */
  connect(options?: ZooKeeperClientOptions): Promise<ZooKeeperClient>;
  /**
   * Runs one check. A CheckFailure (or any error) fails it with the error's message as the hint; a
   * check that needs an earlier one that failed is skipped. Returns whether it passed.
   */
  check(
    name: string,
    body: () => Promise<string | void>,
    options?: { needs?: readonly string[] },
  ): Promise<boolean>;
}

export interface CheckSandbox extends CheckContext {
  readonly results: CheckResult[];
  /** Closes every client and deletes the subtree. */
  dispose(): Promise<void>;
}

export async function openSandbox(
  ensembleConnectString: string,
  chroot: string,
  modulePath: string,
): Promise<CheckSandbox> {
  const clients: ZooKeeperClient[] = [];
  const results: CheckResult[] = [];
  const admin = await ZooKeeperClient.connect(ensembleConnectString, { logger: {} });
  await ensurePath(admin, chroot, { parentMode: 'persistent' });
  const connectString = ensembleConnectString + chroot;

  return {
    ensembleConnectString,
    chroot,
    connectString,
    modulePath,
    results,
    async connect(options = {}) {
      // Quiet by default: the reader's code may well make the client warn, and the checker's report
      // is what they should read.
      const client = await ZooKeeperClient.connect(connectString, {
        sessionTimeoutMs: 6_000,
        logger: {},
        ...options,
      });
      clients.push(client);
      return client;
    },
    async check(name, body, options = {}) {
      const started = Date.now();
      const missing = (options.needs ?? []).filter(
        (needed) => results.find((result) => result.name === needed)?.status !== 'pass',
      );
      if (missing.length > 0) {
        results.push({ name, status: 'skipped', detail: `needs: ${missing.join(', ')}`, durationMs: 0 });
        return false;
      }
      try {
        const measured = await body();
        results.push({ name, status: 'pass', detail: measured ?? '', durationMs: Date.now() - started });
        return true;
      } catch (error) {
        const detail =
          error instanceof CheckFailure
            ? error.message
            : `your code threw: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
        results.push({ name, status: 'fail', detail, durationMs: Date.now() - started });
        return false;
      }
    },
    async dispose() {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      try {
        await deleteRecursive(admin, chroot);
      } catch (error) {
        // The exercise code may still be creating nodes (a watcher that fires late); the subtree is
        // private to this run, so leaving it is harmless, but say so.
        console.warn(`workshop: could not remove ${chroot}: ${(error as Error).message}`);
      } finally {
        await admin.close();
      }
    },
  };
}
