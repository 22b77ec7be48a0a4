export {
  Mutex,
  type AcquireOptions,
  type ConnectionPolicy,
  type MutexAcquireOptions,
  type MutexOptions,
} from './mutex.ts';
export {
  ReadWriteLock,
  type LockKind,
  type ReadWriteAcquireOptions,
  type ReadWriteLockOptions,
  type ReadWriteLockParticipant,
  type ReadWriteLockSide,
} from './read-write-lock.ts';
export { Semaphore, type MaxLeases, type SemaphoreOptions } from './semaphore.ts';
export { SemaphoreMutex } from './semaphore-mutex.ts';
