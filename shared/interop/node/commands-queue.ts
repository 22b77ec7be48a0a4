import { isConnectionLossClass, isZooKeeperError, op, type ZooKeeperClient } from '../../src/client/index.ts';
import { waitForConnection } from '../../src/recipes/core/connection.ts';
import {
  DistributedDelayQueue,
  DistributedIdQueue,
  DistributedPriorityQueue,
  DistributedQueue,
  SimpleDistributedQueue,
  stringSerializer,
  type DeliveryMode,
  type QueueConsumer,
  type QueueHandler,
} from '../../src/recipes/queue/index.ts';
import type { Args, NodePeer } from './node-peer.ts';

/**
 * Our queues in a separate process, with the same actions as shared/interop/curator/QueueCommands.java
 * (create, put, putMulti, consumed, close, simpleOffer/simplePoll/simpleTake, and the benchmark's
 * produce/consume), plus work/stopWork for the safety test.
 */
type AnyQueue =
  | DistributedQueue<string>
  | DistributedPriorityQueue<string>
  | DistributedDelayQueue<string>
  | DistributedIdQueue<string>;

interface NamedQueue {
  kind: 'fifo' | 'priority' | 'delay' | 'id';
  queue: AnyQueue;
  consumer?: QueueConsumer<string>;
  consumed: string[];
}

export async function handle(action: string, args: Args, peer: NodePeer): Promise<unknown> {
  const name = String(args.name ?? 'queue');
  switch (action) {
    case 'create':
      return create(peer, args, name);
    case 'put':
      return put(peer.object<NamedQueue>(name), args);
    case 'putMulti': {
      const named = peer.object<NamedQueue>(name);
      const items = (args.items as string[]).map(String);
      if (named.kind === 'priority') {
        return (named.queue as DistributedPriorityQueue<string>).putMulti(items, Number(args.priority ?? 0));
      }
      return (named.queue as DistributedQueue<string>).putMulti(items);
    }
    case 'consumed':
      return [...peer.object<NamedQueue>(name).consumed];
    case 'close': {
      const named = peer.objects.get(name) as NamedQueue | undefined;
      peer.objects.delete(name);
      await named?.consumer?.stop();
      return true;
    }
    case 'simpleOffer':
      return new SimpleDistributedQueue(peer.client(args), String(args.path)).offer(String(args.item));
    case 'simplePoll': {
      const queue = new SimpleDistributedQueue(peer.client(args), String(args.path));
      const bytes = await queue.poll(
        args.timeoutMs === undefined ? undefined : { timeoutMs: Number(args.timeoutMs) },
      );
      return bytes === null ? null : bytes.toString('utf8');
    }
    case 'simpleTake':
      return (await new SimpleDistributedQueue(peer.client(args), String(args.path)).take()).toString('utf8');
    case 'produce':
      return produce(peer.client(args), args);
    case 'consume':
      return consume(peer.client(args), args);
    case 'work':
      return work(peer, args);
    case 'stopWork': {
      const consumer = peer.objects.get(`work:${String(args.consumer)}`) as QueueConsumer<string> | undefined;
      return (await consumer?.stop())?.handled ?? 0;
    }
    default:
      throw new Error(`unknown queue action ${action}`);
  }
}

/** create {name, client, path, kind, lockPath?, consume?, mode?, processMs?, quiet?, minItemsBeforeRefresh?} */
function create(peer: NodePeer, args: Args, name: string): boolean {
  const client = peer.client(args);
  const path = String(args.path);
  const kind = String(args.kind ?? 'fifo') as NamedQueue['kind'];
  const options = {
    serializer: stringSerializer,
    ...(args.lockPath ? { lockPath: String(args.lockPath) } : {}),
    ...(args.maxItems ? { maxItems: Number(args.maxItems) } : {}),
  };
  const queue: AnyQueue =
    kind === 'priority'
      ? new DistributedPriorityQueue(client, path, {
          ...options,
          minItemsBeforeRefresh: Number(args.minItemsBeforeRefresh ?? 1),
        })
      : kind === 'delay'
        ? new DistributedDelayQueue(client, path, options)
        : kind === 'id'
          ? new DistributedIdQueue(client, path, options)
          : new DistributedQueue(client, path, options);
  const named: NamedQueue = { kind, queue, consumed: [] };
  if (args.consume) {
    const processMs = Number(args.processMs ?? 0);
    named.consumer = queue.consume(
      async (item) => {
        if (processMs > 0) await new Promise((resolve) => setTimeout(resolve, processMs));
        named.consumed.push(item);
        if (!args.quiet) peer.emit('queueItem', { name, item });
      },
      args.mode ? { mode: args.mode as DeliveryMode } : {},
    );
  }
  peer.objects.set(name, named);
  return true;
}

function put(named: NamedQueue, args: Args): Promise<unknown> {
  const item = String(args.item);
  switch (named.kind) {
    case 'fifo':
      return (named.queue as DistributedQueue<string>).put(item);
    case 'priority':
      return (named.queue as DistributedPriorityQueue<string>).put(item, Number(args.priority ?? 0));
    case 'delay':
      return (named.queue as DistributedDelayQueue<string>).put(item, Number(args.delayUntil ?? 0));
    case 'id':
      return (named.queue as DistributedIdQueue<string>).put(item, String(args.id));
  }
}

/** Benchmark: produce {client, path, count, size?}: puts count items one after another; returns elapsed ms. */
async function produce(client: ZooKeeperClient, args: Args): Promise<number> {
  const queue = new DistributedQueue(client, String(args.path), { serializer: stringSerializer });
  const item = 'x'.repeat(Number(args.size ?? 16));
  const count = Number(args.count);
  const started = performance.now();
  for (let index = 0; index < count; index++) await queue.put(item);
  return performance.now() - started;
}

/** Benchmark: consume {client, path, count, lockPath?, mode?}: one consumer takes count items; returns elapsed ms. */
async function consume(client: ZooKeeperClient, args: Args): Promise<number> {
  const queue = new DistributedQueue(client, String(args.path), {
    serializer: stringSerializer,
    ...(args.lockPath ? { lockPath: String(args.lockPath) } : {}),
  });
  const count = Number(args.count);
  const started = performance.now();
  const summary = await queue.consume(() => {}, {
    limit: count,
    timeoutMs: Number(args.timeoutMs ?? 120_000),
    ...(args.mode ? { mode: args.mode as DeliveryMode } : {}),
  }).done;
  if (summary.handled < count) throw new Error(`consumed ${summary.handled} of ${count} items in time`);
  return performance.now() - started;
}

/**
 * Safety test: work {client, consumer, path, lockPath, mode, effectsPath, processMs}. Starts a consumer
 * whose handler records one effect per processing of an item as a znode `<effectsPath>/<item>-…`
 * holding "<consumer> <session id>":
 * - exactly-once: the effect is an operation committed with the fenced acknowledgement;
 * - at-least-once: the handler writes the effect itself first (an external side effect), then
 *   works for processMs — so a consumer killed mid-item has applied it and the item is processed again.
 * Returns at once; stopWork {consumer} stops it.
 */
function work(peer: NodePeer, args: Args): boolean {
  const client = peer.client(args);
  const consumerName = String(args.consumer);
  const mode = String(args.mode) as DeliveryMode;
  const effectsPath = String(args.effectsPath);
  const processMs = Number(args.processMs ?? 20);
  const queue = new DistributedQueue(client, String(args.path), {
    serializer: stringSerializer,
    lockPath: String(args.lockPath),
  });
  let attempt = 0;
  const handler: QueueHandler<string> = async (item) => {
    const session = client.sessionId.toString(16);
    const effect = `${consumerName} ${session}`;
    if (mode === 'exactly-once') {
      await new Promise((resolve) => setTimeout(resolve, processMs));
      return [op.create(`${effectsPath}/${item}-`, effect, { mode: 'persistentSequential' })];
    }
    // One effect node per processing attempt: a fixed name, so resending the create after a lost
    // reply cannot apply the effect twice. Like any external side effect, it goes ahead even if the
    // claim is lost meanwhile (context.signal is not consulted): that is what at-least-once allows.
    const effectPath = `${effectsPath}/${item}-${consumerName}-${session}-${++attempt}`;
    for (;;) {
      try {
        await client.create(effectPath, effect);
        break;
      } catch (error) {
        if (isZooKeeperError(error, 'NODEEXISTS')) break;
        if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
        await waitForConnection(client, new AbortController().signal);
      }
    }
    peer.emit('queue.applied', { consumer: consumerName, item });
    await new Promise((resolve) => setTimeout(resolve, processMs));
  };
  const consumer = queue.consume(handler, { mode });
  for (const event of ['fenced', 'outcomeUnknown', 'itemFailed', 'corrupt'] as const) {
    consumer.on(event, (data: Record<string, unknown>) =>
      peer.emit(`queue.${event}`, {
        consumer: consumerName,
        ...data,
        error: 'error' in data ? String(data.error) : undefined,
      }),
    );
  }
  consumer.done.then(
    (summary) => peer.emit('queue.workDone', { consumer: consumerName, ...summary }),
    (error: unknown) => peer.emit('queue.workFailed', { consumer: consumerName, error: String(error) }),
  );
  peer.objects.set(`work:${consumerName}`, consumer);
  return true;
}
