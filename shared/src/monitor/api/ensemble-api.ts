import { Router } from 'express';
import type { ZooKeeperClient } from '../../client/index.ts';
import type { LocalEnsemble } from '../../ensemble/index.ts';
import type { EnsemblePoller } from '../ensemble-poller.ts';

export interface EnsembleApiOptions {
  readonly poller: EnsemblePoller;
  readonly client: ZooKeeperClient;
  readonly connectString: string;
  /** the ensemble the monitor started, if any: adds each member's process state and the controls flag */
  readonly localEnsemble?: LocalEnsemble;
}

/** `GET /api/ensemble`: the latest poll of every member and the ensemble summary. */
export function ensembleRouter({ poller, client, connectString, localEnsemble }: EnsembleApiOptions): Router {
  const router = Router();
  router.get('/api/ensemble', (_request, response) => {
    const members = poller.members().map((member) => ({
      ...member,
      process: localEnsemble ? localEnsemble.member(member.id).state : null,
    }));
    response.set('Cache-Control', 'no-store').json({
      connectString,
      pollIntervalMs: poller.intervalMs,
      controls: localEnsemble !== undefined,
      session: { state: client.state, server: client.connectedServer ?? null },
      summary: poller.summary(),
      members,
    });
  });
  return router;
}
