export { DistributedQueue } from './distributed-queue.ts';
export { DistributedPriorityQueue, type PriorityQueueOptions } from './distributed-priority-queue.ts';
export { DistributedDelayQueue } from './distributed-delay-queue.ts';
export { DistributedIdQueue } from './distributed-id-queue.ts';
export { SimpleDistributedQueue, type SimpleQueueWaitOptions } from './simple-distributed-queue.ts';
export {
  QueueConsumer,
  type ConsumeOptions,
  type ConsumerSummary,
  type DeliveryMode,
  type ErrorMode,
  type QueueConsumerEvents,
  type QueueHandler,
  type QueueItemContext,
} from './queue-consumer.ts';
export {
  DEFAULT_MAX_BUFFER_BYTES,
  type PutOptions,
  type PutResult,
  type QueueOptions,
} from './queue-core.ts';
export {
  bytesSerializer,
  stringSerializer,
  jsonSerializer,
  type QueueSerializer,
} from './queue-serializer.ts';
// Reported with a 'corrupt' event; the envelope codec itself is in ../wire.ts.
export { CorruptEnvelopeError } from './item-envelope.ts';
