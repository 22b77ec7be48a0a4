// The recipe library, one folder per family. Import a family directly
// (`recipes/locks/index.ts`) or everything from here. The znode names and encodings shared with
// Curator are not part of this face: tools that need them import `./wire.ts`.
export * from './locks/index.ts';
export * from './leader/index.ts';
export * from './queue/index.ts';
export * from './barrier/index.ts';
export * from './counter/index.ts';
export * from './membership/index.ts';
export * from './nodes/index.ts';
export * from './cache/index.ts';
export * from './discovery/index.ts';
export * from './naming/index.ts';
export { Lease, type LeaseEndReason } from './core/lease.ts';
export { RecipeError, isRecipeError, type RecipeErrorCode } from './core/errors.ts';
