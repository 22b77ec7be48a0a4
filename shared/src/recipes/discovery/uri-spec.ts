import { RecipeError } from '../core/errors.ts';
import type { ServiceInstance } from './service-instance.ts';

/** One piece of a UriSpec: literal text, or the name of a field to substitute. */
export interface UriSpecPart {
  readonly value: string;
  readonly variable: boolean;
}

/**
 * A URI template for a service instance, the same as curator-x-discovery's UriSpec: text with
 * `{field}` placeholders, stored in the instance JSON as its parsed parts.
 *
 * ```ts
 * const spec = UriSpec.parse('{scheme}://{address}:{port}/api');
 * spec.build(instance);                      // "http://10.0.0.5:8080/api" ("https" if sslPort is set)
 * spec.build(instance, { port: 9090 });      // variables override the instance's fields
 * ```
 *
 * Fields filled from an instance: `scheme` (http, or https when sslPort is set; http without an
 * instance), `name`, `id`, `address`, `port`, `ssl-port`, `registration-time-utc`, `service-type`
 * (lower case). `{[}` and `{]}` are literal braces. A placeholder nobody fills is left out, as in
 * Curator. Parsing follows Curator's tokenizer: names inside braces are trimmed, `{}` yields nothing,
 * and unbalanced braces are errors.
 */
export class UriSpec {
  readonly parts: readonly UriSpecPart[];

  constructor(parts: readonly UriSpecPart[] = []) {
    this.parts = Object.freeze(
      parts.map((part) => Object.freeze({ value: part.value, variable: part.variable })),
    );
  }

  static parse(spec: string): UriSpec {
    if (typeof spec !== 'string') {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'UriSpec',
        undefined,
        `a UriSpec must be a string, got ${typeof spec}`,
      );
    }
    const parts: UriSpecPart[] = [];
    let insideVariable = false;
    // java.util.StringTokenizer(spec, "{}", true): each brace is a token, so is each run between them.
    for (const token of spec.match(/[{}]|[^{}]+/g) ?? []) {
      if (token === '{') {
        if (insideVariable) throw badSpec(spec, '{ is not allowed inside of a variable specification');
        insideVariable = true;
      } else if (token === '}') {
        if (!insideVariable) throw badSpec(spec, '} must be preceded by {');
        insideVariable = false;
      } else {
        parts.push({ value: insideVariable ? token.trim() : token, variable: insideVariable });
      }
    }
    if (insideVariable) throw badSpec(spec, 'Final variable not closed - expected }');
    return new UriSpec(parts);
  }

  /** Reads the `{"parts":[…]}` form Curator stores; missing values default as Jackson's would. */
  static fromJSON(json: unknown): UriSpec {
    const parts = (json as { parts?: unknown } | null)?.parts;
    if (!Array.isArray(parts)) throw new Error('uriSpec has no "parts" list');
    return new UriSpec(
      parts.map((part: { value?: unknown; variable?: unknown } | null) => ({
        value: typeof part?.value === 'string' ? part.value : '',
        variable: part?.variable === true,
      })),
    );
  }

  /** Fills the placeholders; `variables` override the instance's fields. */
  build(instance?: ServiceInstance | null, variables: Record<string, unknown> = {}): string {
    const values = new Map<string, unknown>([
      ['[', '{'],
      [']', '}'],
      ['scheme', 'http'],
    ]);
    if (instance) {
      values.set('name', instance.name);
      values.set('id', instance.id);
      values.set('address', instance.address ?? '');
      values.set('port', instance.port ?? '');
      values.set('ssl-port', instance.sslPort ?? '');
      values.set('registration-time-utc', instance.registrationTimeUTC);
      values.set('service-type', instance.serviceType.toLowerCase());
      if (instance.sslPort !== null) values.set('scheme', 'https');
    }
    for (const [name, value] of Object.entries(variables)) values.set(name, value);
    let uri = '';
    for (const part of this.parts) {
      if (!part.variable) uri += part.value;
      else {
        const value = values.get(part.value);
        if (value !== null && value !== undefined) uri += String(value);
      }
    }
    return uri;
  }

  /** The template text, e.g. "{scheme}://{address}:{port}". */
  toString(): string {
    return this.parts.map((part) => (part.variable ? `{${part.value}}` : part.value)).join('');
  }

  /** The stored form, as Jackson writes Curator's UriSpec. */
  toJSON(): { parts: { value: string; variable: boolean }[] } {
    return { parts: this.parts.map((part) => ({ value: part.value, variable: part.variable })) };
  }
}

function badSpec(spec: string, reason: string): RecipeError {
  return new RecipeError('BAD_ARGUMENT', 'UriSpec', undefined, `${reason}: ${JSON.stringify(spec)}`);
}
