import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NamingError } from './errors.ts';
import { idTypeDefinition, idTypeName, type IdTypeDefinition } from './layout.ts';

/**
 * The environment contract every pattern service honours (`zk-cookbook run` and compose set it):
 * ZK_CONNECT, HOST, PORT, SERVICE_NAME, INSTANCE_ID; plus this pattern's own settings. The command
 * line may say `--host`, `--port` and `--allowed-hosts` instead, as the project's other services do.
 */
const namingSettings = z.object({
  ZK_CONNECT: z
    .string({ error: 'ZK_CONNECT is required (host:port[,host:port...][/chroot])' })
    .min(1, 'ZK_CONNECT is required (host:port[,host:port...][/chroot])'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  SERVICE_NAME: z.string().min(1).optional(),
  INSTANCE_ID: z.string().min(1).max(128).optional(),
  /** comma-separated extra Host names to answer to, e.g. "naming-1,localhost" in compose */
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  NAMING_ROOT: z.string().startsWith('/').optional(),
  /** "job=sequential,invoice=range:1000": types defined at start unless they exist */
  ID_TYPES: z
    .string()
    .default('')
    .transform((text, context) => {
      try {
        return parseIdTypes(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).optional(),
});

export type NamingEnvironment = z.infer<typeof namingSettings>;

export function namingEnvironment(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): NamingEnvironment {
  let values: { host?: string; port?: string; 'allowed-hosts'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    }));
  } catch (error) {
    throw new NamingError('BAD_SETTINGS', 'naming arguments', (error as Error).message);
  }
  const result = namingSettings.safeParse({
    ...env,
    ...(values.host !== undefined && { HOST: values.host }),
    ...(values.port !== undefined && { PORT: values.port }),
    ...(values['allowed-hosts'] !== undefined && { ALLOWED_HOSTS: values['allowed-hosts'] }),
  });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new NamingError('BAD_SETTINGS', 'naming environment', problems.join('; '));
}

/** "job=sequential,invoice=range:1000" → { job: sequential, invoice: range of 1000 } */
export function parseIdTypes(text: string): Record<string, IdTypeDefinition> {
  const types: Record<string, IdTypeDefinition> = {};
  for (const entry of text
    .split(',')
    .map((each) => each.trim())
    .filter(Boolean)) {
    const match = /^([^=]+)=(sequential|range)(?::(\d+))?$/.exec(entry);
    if (!match) {
      throw new Error(`"${entry}" is not <type>=sequential or <type>=range[:<range size>]`);
    }
    const [, type, generator, size] = match as unknown as [string, string, 'sequential' | 'range', string?];
    const name = idTypeName.safeParse(type);
    if (!name.success) throw new Error(`"${type}": ${name.error.issues[0]?.message ?? 'not a type name'}`);
    if (generator === 'sequential' && size !== undefined) {
      throw new Error(`"${entry}": a sequential type has no range size`);
    }
    const definition = idTypeDefinition.safeParse(
      generator === 'range'
        ? { generator, ...(size !== undefined && { rangeSize: Number(size) }) }
        : { generator },
    );
    if (!definition.success)
      throw new Error(`"${entry}": ${definition.error.issues[0]?.message ?? 'invalid'}`);
    types[type] = definition.data;
  }
  return types;
}
