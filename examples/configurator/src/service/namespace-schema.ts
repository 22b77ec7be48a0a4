import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { HttpError } from '@zk-cookbook/core/http';

/**
 * A namespace's JSON Schema, compiled with ajv. Every value is checked against it before it is
 * published (a rollback too: nothing reaches `current` that the namespace's schema refuses).
 *
 * Compiled schemas are kept by their text, so a schema read again from ZooKeeper on every publish is
 * compiled once. Editors are trusted to write schemas, but not to write them well: a schema ajv
 * cannot compile is refused with 422 when it is set, never discovered at publish time.
 */
export class NamespaceSchemas {
  private readonly ajv = new Ajv({ allErrors: true, strict: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  /** Compiles the schema, or throws 422 INVALID_SCHEMA saying why. */
  compile(schema: Record<string, unknown>): ValidateFunction {
    const text = JSON.stringify(schema);
    const cached = this.compiled.get(text);
    if (cached) return cached;
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(schema);
    } catch (error) {
      throw new HttpError(
        422,
        'INVALID_SCHEMA',
        `the schema is not a valid JSON Schema: ${(error as Error).message}`,
      );
    }
    // Bounded: schemas change rarely, but a long-running service should not grow without limit.
    if (this.compiled.size >= 256) this.compiled.clear();
    this.compiled.set(text, validate);
    return validate;
  }

  /** Throws 422 SCHEMA_VIOLATION naming the first failing field (a JSON Pointer) and listing all. */
  check(schema: Record<string, unknown> | null, value: unknown, namespace: string): void {
    if (schema === null) return;
    const validate = this.compile(schema);
    if (validate(value)) return;
    const violations = (validate.errors ?? []).map(describeViolation);
    const first = violations[0];
    throw new HttpError(
      422,
      'SCHEMA_VIOLATION',
      `the value does not match the schema of namespace ${namespace}: ${first ? `${first.field || '(the value)'} ${first.message}` : 'invalid'}`,
      { field: first?.field ?? '', violations },
    );
  }
}

export interface SchemaViolation {
  /** JSON Pointer of the offending field, e.g. "/limits/maxConnections"; "" for the value itself */
  field: string;
  message: string;
}

function describeViolation(error: ErrorObject): SchemaViolation {
  // A missing property is reported by ajv at its parent; the field a person must fix is the property.
  const missing =
    error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const extra =
    error.keyword === 'additionalProperties'
      ? (error.params as { additionalProperty?: string }).additionalProperty
      : undefined;
  const child = missing ?? extra;
  const field = child === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(child)}`;
  return { field, message: error.message ?? error.keyword };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
