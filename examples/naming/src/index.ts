// The naming service: unique ordered IDs by type, and a dynamic-DNS style name registry.
export {
  startNamingService,
  type NamingServiceOptions,
  type RunningNamingService,
} from './naming-service.ts';
export { IdService, type IdTypeStats, type TakenIds } from './ids/id-service.ts';
export { IdTypes } from './ids/id-types.ts';
export { formatIdName, idOfName } from './ids/id-name.ts';
export { sweepLeftoverIdNodes } from './ids/leftover-sweeper.ts';
export { NameRegistry, type BindRequest, type Binding, type Resolution } from './names/name-registry.ts';
export {
  DEFAULT_ROOT,
  namingLayout,
  bindingPath,
  counterPath,
  namePath,
  sequenceParent,
  type IdTypeDefinition,
  type NamingLayout,
} from './layout.ts';
export { parseIdTypes } from './service-environment.ts';
export { NamingError, type NamingErrorCode } from './errors.ts';
