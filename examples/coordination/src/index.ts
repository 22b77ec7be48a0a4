// Distributed coordination and notification: one running task instance with fenced checkpoints and
// standby takeover, heartbeats and progress, start-together/finish-together barriers.
export { startWorker, type WorkerOptions, type RunningWorker } from './worker/worker-service.ts';
export type { WorkerStatus } from './worker/worker-api.ts';
export { startMonitor, type MonitorOptions, type RunningMonitor } from './monitor/monitor-service.ts';
export type { BoardView } from './monitor/monitor-api.ts';
export { WorkerBoard, type Liveness, type WorkerState, type TaskView } from './monitor/worker-board.ts';
export { TaskRunner, type TaskRole, type TaskProgress, type TaskRunnerOptions } from './task/task-runner.ts';
export {
  readCheckpoint,
  compareTokens,
  type Checkpoint,
  type VersionedCheckpoint,
} from './task/checkpoint.ts';
export { commitBatch, type CommitRequest, type OutputEntry } from './task/fenced-commit.ts';
export { parseInputLog, readInputLog, type InputRecord } from './input-log.ts';
export { WorkerHeartbeat } from './heartbeat/worker-heartbeat.ts';
export type { Heartbeat } from './heartbeat/heartbeat.ts';
export { RoundCoordinator, type RoundView } from './rounds/round-coordinator.ts';
export { judgeRound, type Round, type RoundReport } from './rounds/round.ts';
export {
  coordinationLayout,
  taskLayout,
  DEFAULT_ROOT,
  DEFAULT_TASK,
  OUTPUT_ENTRY_PREFIX,
  type CoordinationLayout,
  type TaskLayout,
} from './layout.ts';
export { DEFAULT_INPUT_LOG, workerEnvironment, monitorEnvironment } from './service-environment.ts';
export { CoordinationError, type CoordinationErrorCode } from './errors.ts';
