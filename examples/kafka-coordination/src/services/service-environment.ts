import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SettingsError } from './settings-error.ts';

const CHROOT = /^(\/[\w.-]+)+$/;
const commaList = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );

/**
 * The environment contract of the pattern's services (`zk-cookbook run` and compose set it): HOST,
 * PORT, INSTANCE_ID, and where the Kafka cluster keeps its znodes — KAFKA_ZOOKEEPER_CONNECT (Kafka's
 * own `zookeeper.connect`, chroot included), or ZK_CONNECT plus KAFKA_CHROOT (default /kafka).
 * `--host`, `--port` and `--allowed-hosts` on the command line win over the environment.
 */
const common = z
  .object({
    ZK_CONNECT: z.string().min(1).optional(),
    KAFKA_ZOOKEEPER_CONNECT: z.string().min(1).optional(),
    KAFKA_CHROOT: z.string().regex(CHROOT, 'an absolute znode path such as /kafka').default('/kafka'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(0),
    INSTANCE_ID: z.string().min(1).optional(),
    /** comma-separated extra Host names to answer to, e.g. "inspector,localhost" in compose */
    ALLOWED_HOSTS: commaList,
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
    /** the Kafka cluster's root in ZooKeeper: the ensemble plus the chroot */
    kafkaZooKeeperConnect: KAFKA_ZOOKEEPER_CONNECT ?? `${ZK_CONNECT ?? ''}${KAFKA_CHROOT}`,
  }));

const producer = z.object({
  /** the largest message value POST /messages accepts, in UTF-8 bytes */
  MAX_VALUE_BYTES: z.coerce.number().int().min(1).max(900_000).default(100_000),
  /** with GENERATE_EVERY_MS > 0: the topic the steady generator sends numbered messages to */
  GENERATE_TOPIC: z
    .string()
    .regex(/^[\w.-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_", "-"')
    .default('numbers'),
  /** 0 (default): no generator; otherwise one numbered message every that many milliseconds */
  GENERATE_EVERY_MS: z.coerce.number().int().min(0).max(3_600_000).default(0),
  /** partitions of the generator's topic when the producer creates it */
  GENERATE_PARTITIONS: z.coerce.number().int().min(1).max(64).default(3),
});

export type InspectorEnvironment = z.output<typeof common>;
export type ProducerEnvironment = InspectorEnvironment & z.output<typeof producer>;

export function inspectorEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): InspectorEnvironment {
  return parse(common, withArguments(argv, env, 'inspector'), 'inspector');
}

export function producerEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ProducerEnvironment {
  const merged = withArguments(argv, env, 'producer');
  // Both parts parsed before either complains, so one start names every problem.
  return parse(z.intersection(common, producer), merged, 'producer');
}

function withArguments(argv: readonly string[], env: NodeJS.ProcessEnv, service: string): NodeJS.ProcessEnv {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    });
    return {
      ...env,
      ...(values.host !== undefined && { HOST: values.host }),
      ...(values.port !== undefined && { PORT: values.port }),
      ...(values['allowed-hosts'] !== undefined && { ALLOWED_HOSTS: values['allowed-hosts'] }),
    };
  } catch (error) {
    throw new SettingsError(service, [(error as Error).message]);
  }
}

function parse<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
  service: string,
): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new SettingsError(
    service,
    result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
  );
}
