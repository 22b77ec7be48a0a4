import { Gauge, type Registry } from 'prom-client';
import type { ClusterWatch } from './cluster-watch.ts';

/** The cluster's health as the znodes show it, for Prometheus: read from the last view at scrape time. */
export function registerInspectorMetrics(registry: Registry, watch: ClusterWatch): void {
  const view = () => watch.snapshot().view;
  new Gauge({
    name: 'kafka_brokers_registered',
    help: 'brokers with a registration in /brokers/ids',
    registers: [registry],
    collect() {
      this.set(view()?.brokers.length ?? 0);
    },
  });
  new Gauge({
    name: 'kafka_controller_epoch',
    help: 'the number in /controller_epoch (0 while no controller is known)',
    registers: [registry],
    collect() {
      this.set(view()?.controller?.epoch ?? 0);
    },
  });
  new Gauge({
    name: 'kafka_controller_broker',
    help: 'the broker id holding /controller, -1 during an election',
    registers: [registry],
    collect() {
      this.set(view()?.controller?.brokerId ?? -1);
    },
  });
  new Gauge({
    name: 'kafka_under_replicated_partitions',
    help: 'partitions whose ISR is smaller than their replica set',
    registers: [registry],
    collect() {
      const partitions = (view()?.topics ?? []).flatMap((topic) => topic.partitions);
      this.set(partitions.filter((partition) => partition.underReplicated).length);
    },
  });
  new Gauge({
    name: 'kafka_znode_issues',
    help: 'znodes that did not decode against the schemas in kafka-znodes.ts',
    registers: [registry],
    collect() {
      this.set(view()?.issues.length ?? 0);
    },
  });
  new Gauge({
    name: 'kafka_inspector_view_version',
    help: 'how many times the view changed since the inspector started',
    registers: [registry],
    collect() {
      this.set(watch.snapshot().version);
    },
  });
}
