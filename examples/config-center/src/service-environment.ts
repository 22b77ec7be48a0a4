import { z } from 'zod';
import { ConfigCenterError } from './errors.ts';

/**
 * The environment contract every pattern service honours (`zk-cookbook run` and compose set it):
 * ZK_CONNECT, HOST, PORT, SERVICE_NAME, INSTANCE_ID; plus this pattern's own settings.
 */
const common = z.object({
  ZK_CONNECT: z.string().min(1, 'ZK_CONNECT is required (host:port[,host:port...][/chroot])'),
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
  ADMIN_SECRET: z.string().min(8, 'ADMIN_SECRET is required: at least 8 characters'),
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

export function publisherEnvironment(env: NodeJS.ProcessEnv = process.env): PublisherEnvironment {
  return parse(publisher, env, 'publisher');
}

export function subscriberEnvironment(env: NodeJS.ProcessEnv = process.env): SubscriberEnvironment {
  return parse(subscriber, env, 'subscriber');
}

function parse<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv, service: string): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigCenterError('BAD_SETTINGS', `${service} environment`, problems.join('; '));
}
