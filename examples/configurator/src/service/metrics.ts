import { Counter, Histogram, type Registry } from 'prom-client';

/** The Configurator's own counters, next to the process metrics of createMetricsRegistry(). */
export class ConfiguratorMetrics {
  readonly publishes: Counter<'kind' | 'outcome'>;
  readonly publishSeconds: Histogram<'kind'>;
  readonly ambiguousPublishes: Counter<'resolution'>;
  readonly grayActions: Counter<'action'>;
  readonly prunedVersions: Counter;

  constructor(registry: Registry) {
    this.publishes = new Counter({
      name: 'configurator_publishes_total',
      help: 'Publish requests by kind (publish, gray, rollback) and outcome (published, already_published, conflict, schema_violation, too_large, not_applied, unknown, error)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    this.publishSeconds = new Histogram({
      name: 'configurator_publish_duration_seconds',
      help: 'Time from a publish request to its answer, for publishes that happened',
      labelNames: ['kind'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    });
    this.ambiguousPublishes = new Counter({
      name: 'configurator_ambiguous_publishes_total',
      help: 'Publishes whose reply was lost, by what reading back found: published, not_published, unknown',
      labelNames: ['resolution'],
      registers: [registry],
    });
    this.grayActions = new Counter({
      name: 'configurator_gray_actions_total',
      help: 'Gray releases promoted to everybody or aborted',
      labelNames: ['action'],
      registers: [registry],
    });
    this.prunedVersions = new Counter({
      name: 'configurator_pruned_versions_total',
      help: 'Old versions deleted to keep the history bounded',
      registers: [registry],
    });
  }
}
