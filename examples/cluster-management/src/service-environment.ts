import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ClusterManagementError } from './errors.ts';
import { nodeId } from './layout.ts';

/**
 * The environment contract of the pattern services (`zk-cookbook run` and compose set it):
 * ZK_CONNECT, HOST, PORT, SERVICE_NAME, INSTANCE_ID, plus the pattern's own settings. `--host`,
 * `--port` and `--allowed-hosts` on the command line win over the environment.
 */
const common = z.object({
  ZK_CONNECT: z
    .string({ error: 'ZK_CONNECT is required (host:port[,host:port...][/chroot])' })
    .min(1, 'ZK_CONNECT is required (host:port[,host:port...][/chroot])'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  INSTANCE_ID: nodeId.optional(),
  /** comma-separated extra Host names to answer to, e.g. "coordinator-1,localhost" in compose */
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  CLUSTER_ROOT: z.string().startsWith('/').optional(),
  /** the URL others reach this instance at (the page links collectors by it) */
  ADVERTISED_URL: z.string().url().optional(),
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(60_000).optional(),
});

const coordinator = common.extend({
  ASSIGNMENT_STRATEGY: z.enum(['sticky', 'redeal']).default('sticky'),
  /** comma-separated source ids created at start when missing, so a demo has something to assign */
  SEED_SOURCES: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(z.array(nodeId)),
});

export type CollectorEnvironment = z.infer<typeof common>;
export type CoordinatorEnvironment = z.infer<typeof coordinator>;

export function collectorEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): CollectorEnvironment {
  return parse(common, withArguments(argv, env, 'collector'), 'collector');
}

export function coordinatorEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): CoordinatorEnvironment {
  return parse(coordinator, withArguments(argv, env, 'coordinator'), 'coordinator');
}

function withArguments(argv: readonly string[], env: NodeJS.ProcessEnv, service: string): NodeJS.ProcessEnv {
  let values: { host?: string; port?: string; 'allowed-hosts'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    }));
  } catch (error) {
    throw new ClusterManagementError('BAD_SETTINGS', `${service} arguments`, (error as Error).message);
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
  throw new ClusterManagementError('BAD_SETTINGS', `${service} environment`, problems.join('; '));
}
