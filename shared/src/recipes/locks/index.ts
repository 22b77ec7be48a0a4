export {
  Mutex,
  MUTEX_LOCK_NAME,
  type AcquireOptions,
  type ConnectionPolicy,
  type MutexOptions,
} from './mutex.ts';
export {
  ReadWriteLock,
  READ_LOCK_NAME,
  WRITE_LOCK_NAME,
  type LockKind,
  type ReadWriteLockOptions,
  type ReadWriteLockParticipant,
  type ReadWriteLockSide,
} from './read-write-lock.ts';
export {
  Semaphore,
  LEASE_NAME,
  SEMAPHORE_LEASES_DIR,
  SEMAPHORE_LOCKS_DIR,
  type MaxLeases,
  type SemaphoreOptions,
} from './semaphore.ts';
export { SemaphoreMutex } from './semaphore-mutex.ts';
