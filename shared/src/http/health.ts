import { Router } from 'express';
import type { ZooKeeperClient } from '../client/index.ts';

export interface ReadinessResult {
  ready: boolean;
  detail?: string;
}

export type ReadinessCheck = () => ReadinessResult | Promise<ReadinessResult>;

/**
 * `/healthz`: the process runs and serves HTTP (restart it if this fails).
 * `/readyz`: it can do its job right now (send it traffic only if this passes) — 503 with the
 * failing checks otherwise. The two differ on purpose: a service whose ZooKeeper is unreachable is
 * alive and should not be restarted, only taken out of rotation until its session is back.
 */
export function healthRouter(checks: Readonly<Record<string, ReadinessCheck>>): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_request, response) => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            return [name, await check()] as const;
          } catch (error) {
            return [name, { ready: false, detail: (error as Error).message }] as const;
          }
        }),
      ),
    );
    const ready = Object.values(results).every((result) => result.ready);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
  return router;
}

/** Ready while the client has a session with a read-write server. */
export function zooKeeperSessionCheck(client: ZooKeeperClient): ReadinessCheck {
  return () => ({
    ready: client.state === 'connected',
    detail: client.connectedServer ? `${client.state} to ${client.connectedServer}` : client.state,
  });
}
