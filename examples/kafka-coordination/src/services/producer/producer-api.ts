import { Router } from 'express';
import { z } from 'zod';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { HttpError, parseRequest } from '@zk-cookbook/core/http';
import type { DiscoveredBroker } from '../../discovery/broker-directory.ts';
import type { GeneratorState } from './message-generator.ts';
import type { MessageSender, SenderCounts } from './message-sender.ts';
import { topicExists } from './topic-check.ts';

/** Kafka's own rule for topic names (Topic.validate): at most 249 of letters, digits, ".", "_", "-". */
export const topicName = z
  .string()
  .regex(/^[\w.-]{1,249}$/, 'a Kafka topic name: 1–249 letters, digits, ".", "_" or "-"')
  .refine((name) => name !== '.' && name !== '..', 'a topic cannot be named "." or ".."');

const messageBody = z.strictObject({
  topic: topicName,
  key: z.string().max(1024).optional(),
  value: z.string(),
});

/** What GET /api/state answers. */
export interface ProducerState extends SenderCounts {
  readonly instanceId: string;
  /** the producer is connected and can send */
  readonly connected: boolean;
  /** the bootstrap list, as found in /brokers/ids */
  readonly brokers: readonly DiscoveredBroker[];
  readonly generator: GeneratorState | undefined;
}

/**
 * The producer's API:
 * - `POST /messages` `{ "topic": "orders", "key": "customer-7", "value": "..." }`: sent with acks=all
 *   through the idempotent producer; 201 with the partition and offset Kafka stored it at. 400 for a
 *   malformed message, 413 for a value over the limit, 404 for a topic ZooKeeper does not list,
 *   503 while the producer is not connected, 502 when Kafka did not take it.
 * - `GET /api/state`: counts, the last messages sent, the discovered brokers, the generator.
 */
export function producerRouter({
  client,
  state,
  sender,
  maxValueBytes,
}: {
  client: ZooKeeperClient;
  state: () => ProducerState;
  sender: () => MessageSender | undefined;
  maxValueBytes: number;
}): Router {
  const router = Router();
  router.get('/api/state', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(state());
  });

  router.post('/messages', async (request, response) => {
    const { body } = parseRequest(request, { body: messageBody });
    const valueBytes = Buffer.byteLength(body.value, 'utf8');
    if (valueBytes > maxValueBytes)
      throw new HttpError(
        413,
        'VALUE_TOO_LARGE',
        `the value is ${valueBytes} bytes; at most ${maxValueBytes}`,
        {
          valueBytes,
          maxValueBytes,
        },
      );
    const producer = sender();
    if (!producer)
      throw new HttpError(
        503,
        'NOT_CONNECTED',
        'the producer is not connected to Kafka yet',
        {},
        { 'Retry-After': '2' },
      );
    if (!(await topicExists(client, body.topic)))
      throw new HttpError(
        404,
        'UNKNOWN_TOPIC',
        `no topic ${body.topic}: /brokers/topics/${body.topic} does not exist`,
        {
          topic: body.topic,
        },
      );
    let record;
    try {
      record = await producer.send(body, 'api');
    } catch (error) {
      throw new HttpError(502, 'SEND_FAILED', `Kafka did not take the message: ${(error as Error).message}`, {
        topic: body.topic,
      });
    }
    response.status(201).json(record);
  });
  return router;
}
