import { Counter, Gauge, type Registry } from 'prom-client';
import type { TaskRunner } from '../task/task-runner.ts';

/** The worker's own numbers, beside the process metrics. */
export function registerWorkerMetrics(registry: Registry, runner: TaskRunner): void {
  const applied = new Counter({
    name: 'coordination_records_applied_total',
    help: 'input records this instance applied to the output (each in a committed transaction)',
    registers: [registry],
  });
  const commits = new Counter({
    name: 'coordination_commits_total',
    help: 'checkpoint transactions this instance committed',
    registers: [registry],
  });
  const fenced = new Counter({
    name: 'coordination_commits_fenced_total',
    help: 'commits ZooKeeper refused because the checkpoint had moved on (BADVERSION): a deposed instance stopped',
    registers: [registry],
  });
  const terms = new Counter({
    name: 'coordination_terms_total',
    help: 'times this instance became RUNNING',
    registers: [registry],
  });
  new Gauge({
    name: 'coordination_running',
    help: '1 while this instance is RUNNING (the leader), 0 while STANDBY',
    registers: [registry],
    collect() {
      this.set(runner.role === 'RUNNING' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'coordination_checkpoint_offset',
    help: 'the last checkpoint offset this instance read or wrote',
    registers: [registry],
    collect() {
      this.set(runner.progress.checkpoint?.checkpoint.offset ?? 0);
    },
  });
  runner.on('committed', (_checkpoint, records) => {
    commits.inc();
    applied.inc(records);
  });
  runner.on('fenced', () => fenced.inc());
  runner.on('role', (role) => {
    if (role === 'RUNNING') terms.inc();
  });
}
