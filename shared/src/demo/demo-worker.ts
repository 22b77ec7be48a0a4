import { ZooKeeperClient, isZooKeeperError } from '../client/index.ts';
import { LeaderLatch } from '../recipes/leader/index.ts';
import { Mutex } from '../recipes/locks/index.ts';
import type { Lease } from '../recipes/core/lease.ts';

export const DEMO_ROOT = '/zk-cookbook-demo';
export const ELECTION_PATH = `${DEMO_ROOT}/election`;
export const LEADER_PATH = `${DEMO_ROOT}/leader`;
export const LOCK_PATH = `${DEMO_ROOT}/locks/counter`;
export const COUNTER_PATH = `${DEMO_ROOT}/counter`;
export const CONFIG_PATH = `${DEMO_ROOT}/config`;

export interface WorkerTally {
  terms: number;
  heartbeats: number;
  lockHolds: number;
  configVersionsSeen: number;
}

/**
 * One demo worker: its own ZooKeeper session, a LeaderLatch candidacy (the leader writes a heartbeat
 * with its fencing token), a Mutex-guarded counter it increments now and then, and a watch on the
 * shared configuration. It narrates what happens to it, so faults injected from the dashboard can be
 * followed in the terminal.
 */
export class DemoWorker {
  readonly tally: WorkerTally = { terms: 0, heartbeats: 0, lockHolds: 0, configVersionsSeen: 0 };
  private client: ZooKeeperClient | undefined;
  private latch: LeaderLatch | undefined;
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    readonly name: string,
    private readonly connectString: string,
    private readonly say: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    const client = await ZooKeeperClient.connect(this.connectString, { sessionTimeoutMs: 6000, logger: {} });
    this.client = client;
    for (const event of ['suspended', 'reconnected', 'lost'] as const) {
      client.on(event, (change) => this.say(`${this.name}: connection ${event} (${change.reason ?? ''})`));
    }
    client.on('connected', (change) => {
      if (change.previous === 'lost')
        this.say(`${this.name}: new session 0x${change.sessionId.toString(16)}`);
    });
    const latch = new LeaderLatch(client, ELECTION_PATH, { id: this.name });
    this.latch = latch;
    latch.on('isLeader', (lease) => {
      this.tally.terms++;
      this.say(`${this.name} is the leader now (fencing token ${lease.fencingToken})`);
      this.loops.push(this.lead(client, lease));
    });
    latch.on('notLeader', (reason) => this.say(`${this.name} is no longer the leader (${reason})`));
    latch.on('error', (error) => this.say(`${this.name}: election error ${(error as Error).message}`));
    await latch.start();
    this.loops.push(this.watchConfig(client), this.work(client));
  }

  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    await this.latch?.close().catch(() => {});
    await Promise.allSettled(this.loops);
    await this.client?.close();
  }

  /** While leading, write a heartbeat once a second, each request bound to the lease. */
  private async lead(client: ZooKeeperClient, lease: Lease): Promise<void> {
    const signal = AbortSignal.any([lease.signal, this.stopping.signal]);
    while (!signal.aborted) {
      try {
        const beat = JSON.stringify({
          leader: this.name,
          fencingToken: lease.fencingToken.toString(),
          at: Date.now(),
        });
        await client.setData(LEADER_PATH, beat, { signal });
        this.tally.heartbeats++;
      } catch {
        // The lease ended or the connection dropped; the loop condition decides.
      }
      await pause(1000, signal);
    }
  }

  /** Take the lock every couple of seconds and increment the counter (read, then write, under the lock). */
  private async work(client: ZooKeeperClient): Promise<void> {
    const mutex = new Mutex(client, LOCK_PATH, { id: this.name });
    while (!this.stopping.signal.aborted) {
      await pause(1500 + Math.random() * 1000, this.stopping.signal);
      if (this.stopping.signal.aborted) break;
      try {
        const lease = await mutex.acquire({ timeoutMs: 5000, signal: this.stopping.signal });
        try {
          const { data } = await client.getData(COUNTER_PATH, { signal: lease.signal });
          await client.setData(COUNTER_PATH, String(Number(data.toString()) + 1), { signal: lease.signal });
          this.tally.lockHolds++;
        } finally {
          if (lease.isHeld) await lease.release();
        }
      } catch {
        // Timed out or interrupted by a fault: try again next round.
      }
    }
  }

  /** Follow /config with one-shot watches, re-armed after every event. */
  private async watchConfig(client: ZooKeeperClient): Promise<void> {
    let lastVersion = -1;
    const stopped = new Promise<void>((resolve) =>
      this.stopping.signal.addEventListener('abort', () => resolve()),
    );
    while (!this.stopping.signal.aborted) {
      const changed = new Promise<void>((resolve) => {
        client
          .getData(CONFIG_PATH, { watch: () => resolve() })
          .then(({ data, stat }) => {
            if (stat.version !== lastVersion) {
              lastVersion = stat.version;
              this.tally.configVersionsSeen++;
              this.say(`${this.name} sees config v${stat.version}: ${data.toString()}`);
            }
          })
          .catch((error: unknown) => {
            if (!isZooKeeperError(error, 'CLOSED')) setTimeout(resolve, 500);
          });
      });
      await Promise.race([changed, stopped]);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
