/**
 * JSON text as Jackson's default ObjectMapper writes it, so a record written here is byte for byte
 * the record Curator writes. It differs from JSON.stringify only in string escapes: control
 * characters other than \b \t \n \f \r become \u00XX with upper-case hex (JSON.stringify: lower
 * case), and lone surrogates are written as they are. Non-ASCII characters and "/" are not escaped
 * by either.
 *
 * Numbers: integers print the same in both. Jackson prints doubles its own way (2.0 → "2.0",
 * 1e21 → "1.0E21"); JavaScript cannot tell 2 from 2.0, so byte equality holds for integers only.
 */
export function jacksonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jacksonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return jacksonJson(withJson.toJSON());
      if (Array.isArray(value)) return `[${value.map((item: unknown) => jacksonJson(item)).join(',')}]`;
      const fields = Object.entries(value as Record<string, unknown>)
        .filter(([, field]) => field !== undefined && typeof field !== 'function')
        .map(([key, field]) => `${jacksonString(key)}:${jacksonJson(field)}`);
      return `{${fields.join(',')}}`;
    }
    default:
      return 'null';
  }
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

export function jacksonString(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/["\\\u0000-\u001f]/g, (char) => {
    return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}
