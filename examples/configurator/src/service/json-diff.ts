import type { JsonValue } from '../records.ts';

/** One difference between two JSON values, at a JSON Pointer ("" is the value as a whole). */
export type JsonChange =
  | { op: 'added'; path: string; after: JsonValue }
  | { op: 'removed'; path: string; before: JsonValue }
  | { op: 'changed'; path: string; before: JsonValue; after: JsonValue };

/**
 * The differences between two configuration values, property by property: objects are compared by
 * key, everything else (arrays included) as a whole, which is how people read a config change —
 * "retries went from 3 to 5", not an edit script. Keys come out sorted, so a diff is stable.
 */
export function diffJson(before: JsonValue, after: JsonValue, path = ''): JsonChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!(key in after)) return [{ op: 'removed' as const, path: at, before: before[key]! }];
      if (!(key in before)) return [{ op: 'added' as const, path: at, after: after[key]! }];
      return diffJson(before[key]!, after[key]!, at);
    });
  }
  return sameJson(before, after) ? [] : [{ op: 'changed', path, before, after }];
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]!));
  if (isObject(a) && isObject(b)) return diffJson(a, b).length === 0;
  return false;
}
