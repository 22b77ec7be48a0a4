import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Which variable moves a published port. Compose files publish ports as
 * `${ZK_BIND_ADDRESS:-127.0.0.1}:${ZOO1_PORT:-2181}:2181`; the merged config compose prints has the
 * variables substituted away, so they are read from the files themselves, per service and container
 * port, and matched to the resolved ports by those two.
 */
export interface PortVariable {
  readonly service: string;
  readonly target: number;
  readonly variable: string;
  readonly defaultValue: string | undefined;
}

export function readPortVariables(files: readonly string[], repositoryRoot: string): PortVariable[] {
  return files.flatMap((file) => {
    const document = parse(readFileSync(join(repositoryRoot, file), 'utf8'), { merge: true }) as {
      services?: Record<string, { ports?: unknown }>;
    } | null;
    return Object.entries(document?.services ?? {}).flatMap(([service, definition]) =>
      (Array.isArray(definition.ports) ? definition.ports : []).flatMap((port): PortVariable[] => {
        const found = portVariable(port);
        return found ? [{ service, ...found }] : [];
      }),
    );
  });
}

const VARIABLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}$/;

/** The variable in a port's published part, in short ("ip:published:target") or long syntax. */
export function portVariable(port: unknown): Omit<PortVariable, 'service'> | undefined {
  let published: string | undefined;
  let target: string | undefined;
  if (typeof port === 'string') {
    const parts = splitOutsideBraces(port.split('/')[0] ?? '');
    if (parts.length < 2) return undefined;
    published = parts.at(-2);
    target = parts.at(-1);
  } else if (typeof port === 'object' && port !== null) {
    const long = port as { published?: unknown; target?: unknown };
    published = typeof long.published === 'string' ? long.published : undefined;
    target = long.target === undefined ? undefined : String(long.target);
  }
  const match = published === undefined ? null : VARIABLE.exec(published);
  if (!match || target === undefined || !/^\d+$/.test(target)) return undefined;
  return { target: Number(target), variable: match[1]!, defaultValue: match[2] };
}

/** "a:${B:-x}:c" → ["a", "${B:-x}", "c"]: the ":-" inside a substitution is not a separator. */
function splitOutsideBraces(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of text) {
    if (character === '{') depth++;
    if (character === '}') depth--;
    if (character === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts;
}
