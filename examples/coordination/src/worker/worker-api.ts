import { Router } from 'express';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { TaskRunner } from '../task/task-runner.ts';

/** What `GET /status` answers: this instance's role and progress, and its session's state. */
export interface WorkerStatus {
  instanceId: string;
  task: string;
  role: 'RUNNING' | 'STANDBY';
  token: string | undefined;
  offset: number;
  total: number;
  checkpointVersion: number | undefined;
  appliedByUs: number;
  fencedCommits: number;
  terms: number;
  connection: string;
  batchSize: number;
}

export function describeWorker(
  instanceId: string,
  task: string,
  batchSize: number,
  client: ZooKeeperClient,
  runner: TaskRunner,
): WorkerStatus {
  const progress = runner.progress;
  return {
    instanceId,
    task,
    role: progress.role,
    token: progress.token,
    offset: progress.checkpoint?.checkpoint.offset ?? 0,
    total: progress.total,
    checkpointVersion: progress.checkpoint?.version,
    appliedByUs: progress.appliedByUs,
    fencedCommits: progress.fencedCommits,
    terms: progress.terms,
    connection: client.state,
    batchSize,
  };
}

export function workerRouter(status: () => WorkerStatus): Router {
  const router = Router();
  router.get('/status', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(status());
  });
  return router;
}
