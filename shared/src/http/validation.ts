import type { Request } from 'express';
import { z } from 'zod';
import { isZooKeeperError, validatePath } from '../client/index.ts';
import { HttpError } from './http-error.ts';

/**
 * Request validation with zod: every handler parses what it reads, so a wrong type or a missing
 * field becomes a 400 naming the field, never a TypeError deep in a recipe.
 *
 *   const { query } = parseRequest(req, { query: z.object({ path: znodePath }) });
 */
export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

export type ParsedRequest<S extends RequestSchemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

export interface ValidationIssue {
  /** which part of the request: params, query or body */
  location: keyof RequestSchemas;
  /** the field, dotted ("items.0.name"); empty for the part as a whole */
  field: string;
  message: string;
}

export function parseRequest<S extends RequestSchemas>(request: Request, schemas: S): ParsedRequest<S> {
  const parsed: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const location of ['params', 'query', 'body'] as const) {
    const schema = schemas[location];
    if (!schema) continue;
    const result = schema.safeParse(request[location]);
    if (result.success) parsed[location] = result.data;
    else
      issues.push(
        ...result.error.issues.map((issue) => ({
          location,
          field: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      );
  }
  if (issues.length > 0) throw invalidRequest(issues);
  return parsed as ParsedRequest<S>;
}

export function invalidRequest(issues: readonly ValidationIssue[]): HttpError {
  const first = issues[0];
  const where = first ? [first.location, first.field].filter(Boolean).join('.') : 'request';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new HttpError(400, 'INVALID_REQUEST', `${where}: ${first?.message ?? 'invalid'}${more}`, {
    issues,
  });
}

/** A znode path by ZooKeeper's own rules (the client's validatePath), checked before any request. */
export const znodePath = z.string().superRefine((path, context) => {
  try {
    validatePath(path);
  } catch (error) {
    if (!isZooKeeperError(error, 'BADARGUMENTS')) throw error;
    context.addIssue({ code: 'custom', message: `invalid znode path: ${detailOf(error.message)}` });
  }
});

// "BADARGUMENTS (-8): /a/: invalid path: must not end with /" → "must not end with /"
function detailOf(message: string): string {
  const at = message.lastIndexOf('invalid path: ');
  return at < 0 ? message : message.slice(at + 'invalid path: '.length);
}
