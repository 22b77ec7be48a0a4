import { setTimeout as sleep } from 'node:timers/promises';
import { ComposeError } from './compose-error.ts';
import type { ContainerStatus } from './container-status.ts';

/** What "ready" means for one service: a healthy container, and for HTTP services GET /readyz 200. */
export interface ReadinessExpectation {
  readonly service: string;
  /** the service's /readyz on its published port; without one, container health is enough */
  readonly readyUrl?: string;
  /** a member of the ZooKeeper ensemble: reported together once they all are healthy */
  readonly ensemble?: boolean;
}

export interface ReadinessProbeResult {
  readonly ready: boolean;
  /** what was seen, for progress: "503", "connection refused" */
  readonly detail: string;
}

export interface WaitForStackOptions {
  readonly expectations: readonly ReadinessExpectation[];
  /** the project's containers now (docker compose ps) */
  readonly statuses: () => Promise<readonly ContainerStatus[]>;
  /** Default: GET the URL, ready on 200. */
  readonly probe?: (url: string) => Promise<ReadinessProbeResult>;
  readonly timeoutMs: number;
  /** Default 1000 ms. */
  readonly intervalMs?: number;
  /** Without a change for this long, a "still waiting for" line. Default 15 s. */
  readonly quietReportMs?: number;
  readonly progress: (line: string) => void;
}

/**
 * Waits until every expected service is ready, printing each change as it happens ("zoo2 healthy",
 * "publisher ready"), so that a user watching a first start (images pulled, an ensemble electing)
 * sees it move. Fails at once when a container exits, and at the deadline naming what is not ready
 * and where its logs are.
 */
export async function waitForStack(options: WaitForStackOptions): Promise<void> {
  const probe = options.probe ?? probeReadyz;
  const intervalMs = options.intervalMs ?? 1_000;
  const quietReportMs = options.quietReportMs ?? 15_000;
  const started = Date.now();
  const elapsed = (): string =>
    `${Math.round((Date.now() - started) / 1000)
      .toString()
      .padStart(3)} s`;
  const phases = new Map<string, string>();
  const ensemble = options.expectations.filter((expectation) => expectation.ensemble);
  let ensembleReported = ensemble.length === 0;
  let lastReport = Date.now();

  for (;;) {
    const statuses = await options.statuses();
    for (const expectation of options.expectations) {
      const status = statuses.find((candidate) => candidate.service === expectation.service);
      const phase = await phaseOf(expectation, status, probe);
      if (phases.get(expectation.service) !== phase) {
        phases.set(expectation.service, phase);
        options.progress(`${elapsed()}  ${expectation.service}: ${phase}`);
        lastReport = Date.now();
      }
    }
    const notReady = options.expectations.filter((e) => phases.get(e.service) !== READY);
    if (!ensembleReported && ensemble.every((e) => phases.get(e.service) === READY)) {
      ensembleReported = true;
      options.progress(
        `${elapsed()}  ZooKeeper ensemble healthy: ${ensemble.map((e) => e.service).join(', ')}`,
      );
    }
    if (notReady.length === 0) return;
    const waiting = notReady.map((e) => `${e.service} (${phases.get(e.service) ?? 'unknown'})`).join(', ');
    if (Date.now() - started >= options.timeoutMs) {
      throw new ComposeError(
        'up',
        `not ready after ${Math.round(options.timeoutMs / 1000)} s: ${waiting}. ` +
          `See why with: npx zk-cookbook compose logs ${notReady[0]!.service}`,
      );
    }
    if (Date.now() - lastReport >= quietReportMs) {
      options.progress(`${elapsed()}  still waiting for ${waiting}`);
      lastReport = Date.now();
    }
    await sleep(intervalMs);
  }
}

const READY = 'ready';

async function phaseOf(
  expectation: ReadinessExpectation,
  status: ContainerStatus | undefined,
  probe: (url: string) => Promise<ReadinessProbeResult>,
): Promise<string> {
  if (!status) return 'not created yet';
  if (status.state === 'exited' || status.state === 'dead') {
    throw new ComposeError(
      'up',
      `${expectation.service} stopped (${status.state}, exit code ${status.exitCode}) before it was ready. ` +
        `See why with: npx zk-cookbook compose logs ${expectation.service}`,
    );
  }
  if (status.state !== 'running') return status.state;
  if (status.health === 'starting') return 'starting (healthcheck pending)';
  if (status.health === 'unhealthy') return 'unhealthy (healthcheck failing)';
  if (!expectation.readyUrl) return READY;
  const result = await probe(expectation.readyUrl);
  return result.ready ? READY : `running, ${new URL(expectation.readyUrl).pathname} ${result.detail}`;
}

/** GET the URL: ready on 200; otherwise the status or the network error, for progress. */
export async function probeReadyz(url: string): Promise<ReadinessProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return { ready: response.status === 200, detail: `answered ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { ready: false, detail: `unreachable (${cause?.code ?? (error as Error).name})` };
  }
}
