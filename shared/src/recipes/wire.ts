// The znode names and encodings the recipes share with Apache Curator (and Kazoo), gathered for
// tools that read or build the layout themselves: interop tests, benchmarks, a znode browser.
// Application code needs none of them, so the recipes index does not re-export this module; import
// it by its own path (a `wire` subpath of the package).
export { MUTEX_LOCK_NAME } from './locks/mutex.ts';
export { READ_LOCK_NAME, WRITE_LOCK_NAME } from './locks/read-write-lock.ts';
export { LEASE_NAME, SEMAPHORE_LEASES_DIR, SEMAPHORE_LOCKS_DIR } from './locks/semaphore.ts';
export { LATCH_LOCK_NAME } from './leader/leader-latch.ts';
export { SELECTOR_LOCK_NAME } from './leader/leader-selector.ts';
export { READY_NODE } from './barrier/double-barrier.ts';
export { DEFAULT_ARRAY_PAYLOAD_CLASS, DEFAULT_OBJECT_PAYLOAD_CLASS } from './discovery/service-instance.ts';
export { ENVELOPE_VERSION, decodeEnvelope, encodeEnvelope, envelopeSize } from './queue/item-envelope.ts';
