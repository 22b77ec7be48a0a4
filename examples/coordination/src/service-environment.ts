import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CoordinationError } from './errors.ts';
import { nodeNameSchema } from './layout.ts';

/** The input log the example ships: 600 numbered records. */
export const DEFAULT_INPUT_LOG = fileURLToPath(new URL('../data/input.log', import.meta.url));

/**
 * The environment contract every pattern service honours (`zk-cookbook run` and compose set it):
 * ZK_CONNECT, HOST, PORT, SERVICE_NAME, INSTANCE_ID, plus this pattern's settings. `--host`,
 * `--port` and `--allowed-hosts` on the command line win over the environment.
 */
const shared = z.object({
  ZK_CONNECT: z
    .string({ error: 'ZK_CONNECT is required (host:port[,host:port...][/chroot])' })
    .min(1, 'ZK_CONNECT is required (host:port[,host:port...][/chroot])'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  INSTANCE_ID: nodeNameSchema.optional(),
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  COORDINATION_ROOT: z.string().startsWith('/').optional(),
  TASK: nodeNameSchema.optional(),
  INPUT_LOG: z.string().min(1).default(DEFAULT_INPUT_LOG),
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(60_000).optional(),
});

const worker = shared.extend({
  BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(1),
  /** the demo's pace; 0 applies as fast as ZooKeeper commits */
  RECORDS_PER_SECOND: z.coerce.number().min(0).max(100_000).default(10),
  HEARTBEAT_MS: z.coerce.number().int().min(50).max(60_000).default(500),
});

const monitor = shared.extend({
  LATE_AFTER_MS: z.coerce.number().int().min(100).max(600_000).default(1_500),
});

export type WorkerEnvironment = z.infer<typeof worker>;
export type MonitorEnvironment = z.infer<typeof monitor>;

export function workerEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): WorkerEnvironment {
  return parseEnvironment(worker, argv, env, 'worker');
}

export function monitorEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): MonitorEnvironment {
  return parseEnvironment(monitor, argv, env, 'monitor');
}

function parseEnvironment<T>(
  schema: z.ZodType<T>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  service: string,
): T {
  let flags: { host?: string; port?: string; 'allowed-hosts'?: string };
  try {
    flags = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    }).values;
  } catch (error) {
    throw new CoordinationError('BAD_SETTINGS', `${service} arguments`, (error as Error).message);
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  if (flags.host !== undefined) merged.HOST = flags.host;
  if (flags.port !== undefined) merged.PORT = flags.port;
  if (flags['allowed-hosts'] !== undefined) merged.ALLOWED_HOSTS = flags['allowed-hosts'];
  const result = schema.safeParse(merged);
  if (result.success) return result.data;
  throw new CoordinationError(
    'BAD_SETTINGS',
    `${service} environment`,
    result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
  );
}
