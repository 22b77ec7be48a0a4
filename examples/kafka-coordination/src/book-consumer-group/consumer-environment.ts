import { parseArgs } from 'node:util';
import { z } from 'zod';
import { znodeName } from './consumer-group-layout.ts';

const CHROOT = /^(\/[\w.-]+)+$/;

/** The consumer service's settings are missing or wrong: it cannot start. */
export class ConsumerSettingsError extends Error {
  override readonly name = 'ConsumerSettingsError';
  /** runService logs an error with a code as an expected refusal: the code and the message. */
  readonly code = 'BAD_SETTINGS';

  constructor(readonly problems: readonly string[]) {
    super(`consumer settings: ${problems.join('; ')}`);
  }
}

/**
 * The consumer service's environment, the pattern's contract (HOST, PORT, INSTANCE_ID, and the Kafka
 * cluster's root as KAFKA_ZOOKEEPER_CONNECT, or ZK_CONNECT plus KAFKA_CHROOT) plus its own:
 * CONSUMER_GROUP, CONSUMER_TOPIC, SESSION_TIMEOUT_MS, COMMIT_INTERVAL_MS, START_FROM,
 * PROCESS_DELAY_MS. `--host`, `--port` and `--allowed-hosts` win over the environment.
 */
const consumerSchema = z
  .object({
    ZK_CONNECT: z.string().min(1).optional(),
    KAFKA_ZOOKEEPER_CONNECT: z.string().min(1).optional(),
    KAFKA_CHROOT: z.string().regex(CHROOT, 'an absolute znode path such as /kafka').default('/kafka'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(0),
    /** the member's consumer id becomes `<group>_<INSTANCE_ID>` (Kafka 0.8's consumer.id) */
    INSTANCE_ID: znodeName.optional(),
    ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    CONSUMER_GROUP: znodeName.default('book-consumers'),
    CONSUMER_TOPIC: z
      .string()
      .regex(/^[\w.-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_", "-"')
      .default('numbers'),
    /** how long a dead member keeps its partitions: its owner nodes live as long as its session */
    SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(60_000).default(10_000),
    COMMIT_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
    START_FROM: z.enum(['earliest', 'latest']).default('earliest'),
    /** simulated work per message, to watch what a rebalance or a crash does to work in progress */
    PROCESS_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  })
  .superRefine((env, context) => {
    if (env.KAFKA_ZOOKEEPER_CONNECT === undefined && env.ZK_CONNECT === undefined)
      context.addIssue({
        code: 'custom',
        path: ['KAFKA_ZOOKEEPER_CONNECT'],
        message: 'KAFKA_ZOOKEEPER_CONNECT (host:port[,...]/chroot) or ZK_CONNECT is required',
      });
  })
  .transform(({ KAFKA_ZOOKEEPER_CONNECT, ZK_CONNECT, KAFKA_CHROOT, ...rest }) => ({
    ...rest,
    kafkaZooKeeperConnect: KAFKA_ZOOKEEPER_CONNECT ?? `${ZK_CONNECT ?? ''}${KAFKA_CHROOT}`,
  }));

export type ConsumerEnvironment = z.output<typeof consumerSchema>;

export function consumerEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ConsumerEnvironment {
  let values: { host?: string; port?: string; 'allowed-hosts'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    }));
  } catch (error) {
    throw new ConsumerSettingsError([(error as Error).message]);
  }
  const result = consumerSchema.safeParse({
    ...env,
    ...(values.host !== undefined && { HOST: values.host }),
    ...(values.port !== undefined && { PORT: values.port }),
    ...(values['allowed-hosts'] !== undefined && { ALLOWED_HOSTS: values['allowed-hosts'] }),
  });
  if (result.success) return result.data;
  throw new ConsumerSettingsError(
    result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
  );
}
