/**
 * Znode data is bytes. These helpers convert at the edges so recipes and services can speak
 * strings and JSON without sprinkling Buffer calls around.
 */
export type NodeData = Uint8Array | string;

const EMPTY = new Uint8Array(0);

export function toBytes(data: NodeData | null | undefined): Uint8Array {
  if (data === null || data === undefined) return EMPTY;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * What a create or setData sends: `null` becomes null data on the server (length -1, as the Java
 * client sends for null), an omitted value (undefined) empty data.
 */
export function toNodeBytes(data: NodeData | null | undefined): Uint8Array | null {
  if (data === null) return null;
  return toBytes(data);
}

export function utf8(data: Uint8Array | null | undefined): string {
  if (!data) return '';
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Parses UTF-8 JSON; throws a SyntaxError naming the first bytes when the data is not JSON. */
export function decodeJson<T = unknown>(data: Uint8Array | null | undefined): T {
  const text = utf8(data);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new SyntaxError(`node data is not JSON: ${JSON.stringify(preview)}`, { cause: error });
  }
}
