import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LoadBalancingError } from './errors.ts';
import { instanceId, providerWeight, zoneName } from './layout.ts';
import { STRATEGY_NAMES } from './strategies/index.ts';

/**
 * Settings of the two services. Every pattern service takes ZK_CONNECT, HOST, PORT, SERVICE_NAME
 * and INSTANCE_ID from `zk-cookbook run` or compose; `--host`, `--port` and `--allowed-hosts` on
 * the command line win over HOST, PORT and ALLOWED_HOSTS.
 */
const listOfNames = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );

const shared = {
  ZK_CONNECT: z
    .string({ error: 'ZK_CONNECT is required (host:port[,host:port...][/chroot])' })
    .min(1, 'ZK_CONNECT is required (host:port[,host:port...][/chroot])'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  SERVICE_NAME: z.string().min(1).optional(),
  INSTANCE_ID: instanceId.optional(),
  /** extra Host names to answer to, comma-separated, e.g. "gateway,localhost" in compose */
  ALLOWED_HOSTS: listOfNames,
  /** the pattern's root znode; default /load-balancing */
  LB_ROOT: z.string().startsWith('/').optional(),
  /** the ZooKeeper session timeout asked for; the servers bound it (2 to 20 ticks by default) */
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
  /** the x-discovery service name providers register under; default "backend" */
  DISCOVERY_SERVICE: instanceId.optional(),
};

const provider = z.object({
  ...shared,
  WEIGHT: providerWeight.default(1),
  ZONE: zoneName.default('default'),
  /** the address gateways reach this provider at; default HOST (give a name when HOST is 0.0.0.0) */
  ADVERTISED_ADDRESS: z.string().min(1).optional(),
});

const gateway = z.object({
  ...shared,
  STRATEGY: z.enum(STRATEGY_NAMES).default('round-robin'),
  /** keep traffic in this zone while it has a provider */
  PREFER_ZONE: zoneName.optional(),
  MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  BREAKER_OPEN_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});

export type ProviderEnvironment = z.infer<typeof provider>;
export type GatewayEnvironment = z.infer<typeof gateway>;

export function providerEnvironment(argv = process.argv.slice(2), env = process.env): ProviderEnvironment {
  return readSettings(provider, 'provider', argv, env);
}

export function gatewayEnvironment(argv = process.argv.slice(2), env = process.env): GatewayEnvironment {
  return readSettings(gateway, 'gateway', argv, env);
}

function readSettings<T>(
  schema: z.ZodType<T>,
  service: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): T {
  let flags: Record<string, string | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    }).values;
  } catch (error) {
    throw new LoadBalancingError('BAD_SETTINGS', `${service} arguments`, (error as Error).message);
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  if (flags.host !== undefined) merged.HOST = flags.host;
  if (flags.port !== undefined) merged.PORT = flags.port;
  if (flags['allowed-hosts'] !== undefined) merged.ALLOWED_HOSTS = flags['allowed-hosts'];
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new LoadBalancingError('BAD_SETTINGS', `${service} settings`, problems.join('; '));
  }
  return result.data;
}
