import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigCenterError } from './errors.ts';

/**
 * The environment contract every pattern service honours (`zk-cookbook run` and compose set it):
 * ZK_CONNECT, HOST, PORT, SERVICE_NAME, INSTANCE_ID; plus this pattern's own settings. The command
 * line may say `--host`, `--port` and `--allowed-hosts` instead, as the project's other services do
 * (compose files name the port in the command, where their checks look for it).
 */
const common = z.object({
  ZK_CONNECT: z
    .string({ error: 'ZK_CONNECT is required (host:port[,host:port...][/chroot])' })
    .min(1, 'ZK_CONNECT is required (host:port[,host:port...][/chroot])'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  SERVICE_NAME: z.string().min(1).optional(),
  INSTANCE_ID: z.string().min(1).optional(),
  /** comma-separated extra Host names to answer to, e.g. "publisher,localhost" in compose */
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  CONFIG_ROOT: z.string().startsWith('/').optional(),
});

const publisher = common.extend({
  ADMIN_SECRET: z
    .string({ error: 'ADMIN_SECRET is required: at least 8 characters' })
    .min(8, 'ADMIN_SECRET is required: at least 8 characters'),
  ADMIN_USER: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional(),
});

const subscriber = common.extend({
  /** the URL the publisher's page reaches this instance at; default the address it listens on */
  ADVERTISED_URL: z.string().url().optional(),
});

export type PublisherEnvironment = z.infer<typeof publisher>;
export type SubscriberEnvironment = z.infer<typeof subscriber>;

export function publisherEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): PublisherEnvironment {
  return parse(publisher, withArguments(argv, env, 'publisher'), 'publisher');
}

export function subscriberEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): SubscriberEnvironment {
  return parse(subscriber, withArguments(argv, env, 'subscriber'), 'subscriber');
}

function withArguments(argv: readonly string[], env: NodeJS.ProcessEnv, service: string): NodeJS.ProcessEnv {
  let values: { host?: string; port?: string; 'allowed-hosts'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    }));
  } catch (error) {
    throw new ConfigCenterError('BAD_SETTINGS', `${service} arguments`, (error as Error).message);
  }
  return {
    ...env,
    ...(values.host !== undefined && { HOST: values.host }),
    ...(values.port !== undefined && { PORT: values.port }),
    ...(values['allowed-hosts'] !== undefined && { ALLOWED_HOSTS: values['allowed-hosts'] }),
  };
}

function parse<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv, service: string): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigCenterError('BAD_SETTINGS', `${service} environment`, problems.join('; '));
}
