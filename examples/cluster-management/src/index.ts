// Cluster management: machines in a group, and the book's log-collection system — a leader-elected
// coordinator assigns log sources to collectors and rebalances on joins, leaves and crashes.
export {
  startCoordinator,
  type CoordinatorServiceOptions,
  type RunningCoordinator,
} from './coordinator/coordinator-service.ts';
export {
  startCollector,
  type CollectorServiceOptions,
  type RunningCollector,
} from './collector/collector-service.ts';
export {
  Coordinator,
  type ClusterEvent,
  type CoordinatorOptions,
  type Machine,
  type Rebalance,
} from './coordinator/coordinator.ts';
export { clusterSnapshot, type ClusterSnapshot } from './coordinator/coordinator-api.ts';
export { Collector, type CollectorOptions } from './collector/collector.ts';
export {
  WorkLog,
  findOverlaps,
  longestGaps,
  type WorkInterval,
  type WorkOverlap,
} from './collector/work-log.ts';
export {
  EMPTY_ASSIGNMENT,
  collectorsOf,
  countMoves,
  decodeAssignment,
  ownersOf,
  type AssignmentDocument,
  type Owners,
} from './assignment/assignment.ts';
export {
  STRATEGIES,
  redealStrategy,
  stickyStrategy,
  type AssignmentStrategy,
  type StrategyName,
} from './assignment/strategies.ts';
export {
  DEFAULT_ROOT,
  clusterLayout,
  ensureLayout,
  machineStatus,
  type ClusterLayout,
  type MachineStatus,
} from './layout.ts';
export { ClusterManagementError, type ClusterManagementErrorCode } from './errors.ts';
