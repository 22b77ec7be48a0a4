import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { TcpProxy, eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { idOfName } from '../src/index.ts';

/**
 * The naming service's invariant under real faults: no ID is ever handed out twice. Three service
 * processes take IDs of a sequential type and of a range type (ranges of 5, so leases happen all the
 * time) as fast as their callers ask, while
 * 1. the ZooKeeper leader is killed (and comes back as a follower), and
 * 2. one service is cut off from every server (its connections go through proxies) until its session
 *    has expired — seen from outside when its session binding disappears — and then reconnects: its
 *    client starts a new session and binds the name again.
 * Gaps are allowed (a range given up, a sequential create that timed out) and counted.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));
const SESSION_TIMEOUT_MS = 4_000;
const RANGE_SIZE = 5;

interface ServiceProcess {
  instanceId: string;
  child: ChildProcess;
  url: string;
  output: () => string;
}

const children: ChildProcess[] = [];
const proxies: TcpProxy[] = [];
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

async function startService(instanceId: string, connectString: string): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/naming-main.ts'],
    {
      cwd: PATTERN_DIRECTORY,
      env: {
        ...process.env,
        ZK_CONNECT: connectString,
        PORT: '0',
        INSTANCE_ID: instanceId,
        ID_TYPES: `job=sequential,invoice=range:${RANGE_SIZE}`,
        SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const url = await eventually(
    () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"naming service listening"/.exec(text);
      expect(match, text.slice(-2000)).not.toBeNull();
      return match![1]!;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  await eventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), {
    timeoutMs: 30_000,
  });
  return { instanceId, child, url, output: () => text };
}

/** Callers taking IDs from one service until stopped: what they got, and what failed. */
class Callers {
  readonly names: Record<'job' | 'invoice', string[]> = { job: [], invoice: [] };
  readonly failures = new Map<string, number>();
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(readonly service: ServiceProcess) {
    this.loops = [this.loop('job', 2), this.loop('job', 2), this.loop('invoice', 3), this.loop('invoice', 3)];
  }

  get taken(): number {
    return this.names.job.length + this.names.invoice.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(type: 'job' | 'invoice', count: number): Promise<void> {
    while (!this.stopped) {
      let outcome: string;
      try {
        const response = await fetch(`${this.service.url}/ids/${type}?count=${count}`, {
          method: 'POST',
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await response.json()) as { names?: string[]; error?: { code: string } };
        if (response.status === 200) {
          this.names[type].push(...body.names!);
          continue;
        }
        outcome = `${response.status} ${body.error?.code}`;
      } catch (error) {
        outcome = (error as Error).name;
      }
      this.failures.set(outcome, (this.failures.get(outcome) ?? 0) + 1);
      // A failed call (503 while cut off) is retried at once by a real caller too; no need to spin.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('naming service under faults', () => {
  it('no ID is handed out twice while the leader dies and a service’s session expires', async () => {
    const ensemble = dedicated.ensemble;
    // The service whose session will expire reaches each server only through a proxy of its own.
    for (const member of ensemble.members) {
      proxies.push(await TcpProxy.start({ host: member.host, port: member.clientPort }));
    }
    const cutOff = await startService('naming-1', proxies.map((proxy) => proxy.address).join(','));
    const others = [
      await startService('naming-2', ensemble.connectString),
      await startService('naming-3', ensemble.connectString),
    ];
    const services = [cutOff, ...others];
    const admin = await ZooKeeperClient.connect(ensemble.connectString, {
      logger: {},
      sessionTimeoutMs: 10_000,
    });
    const probe = '/naming/names/probe/naming-1-host';
    const bound = await fetch(`${cutOff.url}/names/probe`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: 'naming-1-host', addresses: ['10.9.9.9:80'] }),
    });
    expect(bound.status).toBe(201);
    const firstOwner = (await admin.exists(probe))?.ephemeralOwner;
    expect(firstOwner).toBeGreaterThan(0n);

    const callers = services.map((service) => new Callers(service));
    const progress = async (which: readonly Callers[] = callers): Promise<void> => {
      const before = which.map((each) => each.taken);
      await eventually(
        () => which.forEach((each, index) => expect(each.taken).toBeGreaterThan(before[index]! + 20)),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    };

    await progress();
    const leader = await ensemble.waitForQuorum();
    await ensemble.kill(leader.id);
    await ensemble.waitForQuorum();
    await progress();
    await ensemble.restart(leader.id);
    await ensemble.waitForQuorum();
    await progress();

    for (const proxy of proxies) {
      proxy.setMode('refuse');
      proxy.sever();
    }
    // The servers expired naming-1's session: its ephemeral binding is gone.
    await eventually(
      async () => {
        await admin.sync('/naming/names');
        expect(await admin.exists(probe)).toBeNull();
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await progress(callers.slice(1));
    for (const proxy of proxies) proxy.setMode('forward');
    // A new session, the binding made again by it, and IDs flowing from naming-1 again.
    await eventually(
      async () => {
        const owner = (await admin.exists(probe))?.ephemeralOwner;
        expect(owner).toBeGreaterThan(0n);
        expect(owner).not.toBe(firstOwner);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await progress();

    await Promise.all(callers.map((each) => each.stop()));
    await admin.sync('/naming/counters/invoice');
    const counter = (await admin.getData('/naming/counters/invoice')).data.readBigInt64BE(0);
    await admin.close();

    const jobs = callers.flatMap((each) => each.names.job).map(idOfName);
    const invoices = callers.flatMap((each) => each.names.invoice).map(idOfName);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(new Set(invoices).size).toBe(invoices.length);
    // Every range ID lies in a range the counter passed: none came from an unreserved range.
    expect(invoices.every((id) => id >= 1n && id <= counter)).toBe(true);

    const highestJob = jobs.reduce((a, b) => (a > b ? a : b), -1n);
    const jobGaps = Number(highestJob) + 1 - jobs.length;
    const invoiceGaps = Number(counter) - invoices.length;
    const failures = callers.map(
      (each) => `${each.service.instanceId}: ${JSON.stringify(Object.fromEntries(each.failures))}`,
    );
    console.info(
      `naming under faults: ${jobs.length} job IDs (0…${highestJob}, ${jobGaps} gaps), ` +
        `${invoices.length} invoice IDs (counter at ${counter}, ${invoiceGaps} never handed out: ` +
        `ranges given up or still leased at the end), no repeats; failed calls ${failures.join('; ')}`,
    );
    expect(jobGaps).toBeGreaterThanOrEqual(0);

    // Each service shuts down gracefully: exit 0 within a few seconds of SIGTERM.
    await Promise.all(
      services.map(async (service) => {
        service.child.kill('SIGTERM');
        const [code] = (await once(service.child, 'exit')) as [number | null];
        expect(code, service.output().slice(-2000)).toBe(0);
      }),
    );
  }, 180_000);
});
