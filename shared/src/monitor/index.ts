// The monitoring service: four-letter-word polling, Prometheus metrics, a JSON API and a dashboard.
export { startMonitor, type MonitorOptions, type MonitorService } from './monitor-service.ts';
export { assertControlsStayLocal, RemoteControlRefusedError } from './remote-control.ts';
export { SharedWatches, type ChangeEvent, type WatchListener, type WatchMessage } from './shared-watches.ts';
export { EnsemblePoller, type PollerOptions, type PolledMember } from './ensemble-poller.ts';
export {
  describeMember,
  hexZxid,
  type MemberMode,
  type MemberRole,
  type MemberStatus,
  type MonitoredMember,
  type FourLetterAnswers,
} from './member-status.ts';
export { summarise, type EnsembleSummary } from './ensemble-summary.ts';
export { METRICS, ensembleSamples, registerEnsembleMetrics, type Sample } from './ensemble-metrics.ts';
export { statView, aclView, dataView, type StatView, type AclView, type DataView } from './znode-view.ts';
