/** The book's znode layout (chapter 4.4 code version). Given, not part of the exercise. */
export const MASTER = '/master'; // ephemeral, data: the master's id
export const WORKERS = '/workers'; // /workers/worker-<id>: ephemeral, one per live worker
export const TASKS = '/tasks'; // /tasks/task-<seq>: tasks not yet assigned
export const ASSIGN = '/assign'; // /assign/worker-<id>/task-<seq>: a task given to a worker
export const STATUS = '/status'; // /status/task-<seq>: the result, written by the worker

export function workerName(workerId: string): string {
  return `worker-${workerId}`;
}
