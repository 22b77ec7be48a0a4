import { randomUUID } from 'node:crypto';
import { validatePath } from '../../client/index.ts';
import { RecipeError } from '../core/errors.ts';
import { localAddress } from '../core/local-address.ts';
import { jacksonJson, jacksonString } from './jackson-json.ts';
import { UriSpec } from './uri-spec.ts';

/**
 * How an instance's node lives (curator-x-discovery ServiceType):
 * - DYNAMIC (default): ephemeral — gone with the registering session
 * - DYNAMIC_SEQUENTIAL: ephemeral-sequential — the node is `<id><10-digit counter>`
 * - STATIC: persistent; deleted by unregister and by close()
 * - PERMANENT: persistent; deleted by unregister only (Curator 5.4 also deletes it on close, CURATOR-94)
 */
export type ServiceType = 'DYNAMIC' | 'DYNAMIC_SEQUENTIAL' | 'STATIC' | 'PERMANENT';

const SERVICE_TYPES: readonly ServiceType[] = ['DYNAMIC', 'DYNAMIC_SEQUENTIAL', 'STATIC', 'PERMANENT'];

/** Jackson's type id for a JSON object payload when the caller names no Java class. */
export const DEFAULT_OBJECT_PAYLOAD_CLASS = 'java.util.LinkedHashMap';
/** Jackson's type id for a JSON array payload (written as ["java.util.ArrayList", [...]]). */
export const DEFAULT_ARRAY_PAYLOAD_CLASS = 'java.util.ArrayList';

/** One registered instance of a service: the record curator-x-discovery stores in its node. */
export interface ServiceInstance<P = unknown> {
  readonly name: string;
  readonly id: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly sslPort: number | null;
  readonly payload: P | null;
  /**
   * The Java class Jackson records for an object or array payload (`"@class"`), so that Java readers
   * with a POJO payload class can read it; null for strings, numbers and booleans, which Jackson
   * writes without a type.
   */
  readonly payloadClass: string | null;
  /** epoch milliseconds */
  readonly registrationTimeUTC: number;
  readonly serviceType: ServiceType;
  readonly uriSpec: UriSpec | null;
  /** false hides the instance from ServiceProviders; absent from Curator's default records = true */
  readonly enabled: boolean;
}

/** What a caller gives; everything but the name has Curator's default. */
export interface ServiceInstanceInit<P = unknown> {
  name: string;
  /** default: a random UUID */
  id?: string;
  /** default: this host's first non-loopback IPv4 address */
  address?: string | null;
  port?: number | null;
  sslPort?: number | null;
  payload?: P | null;
  /** the Java class for an object payload, e.g. "com.example.InstanceDetails"; default java.util.LinkedHashMap */
  payloadClass?: string | null;
  /** default: now */
  registrationTimeUTC?: number;
  serviceType?: ServiceType;
  /** a UriSpec or its template text */
  uriSpec?: UriSpec | string | null;
  enabled?: boolean;
}

/**
 * Builds a complete, validated instance record with Curator's defaults.
 *
 * ```ts
 * const instance = serviceInstance({ name: 'billing', port: 8080, uriSpec: '{scheme}://{address}:{port}',
 *   payload: { zone: 'eu-1' }, payloadClass: 'com.example.InstanceDetails' });
 * ```
 */
export function serviceInstance<P = unknown>(init: ServiceInstanceInit<P>): ServiceInstance<P> {
  const fail = (reason: string): never => {
    throw new RecipeError('BAD_ARGUMENT', 'ServiceInstance', undefined, reason);
  };
  if (init === null || typeof init !== 'object') fail('an instance needs at least a name');
  const name = nodeNameField(init.name, 'name', fail);
  const id = nodeNameField(init.id ?? randomUUID(), 'id', fail);
  const address = init.address === undefined ? localAddress() : init.address;
  if (address !== null && typeof address !== 'string') fail(`address must be a string or null`);
  const port = portField(init.port, 'port', fail);
  const sslPort = portField(init.sslPort, 'sslPort', fail);
  const registrationTimeUTC = init.registrationTimeUTC ?? Date.now();
  if (!Number.isSafeInteger(registrationTimeUTC))
    fail(`registrationTimeUTC must be an integer, got ${registrationTimeUTC}`);
  const serviceType = init.serviceType ?? 'DYNAMIC';
  if (!SERVICE_TYPES.includes(serviceType))
    fail(`serviceType must be one of ${SERVICE_TYPES.join(', ')}, got ${String(serviceType)}`);
  const uriSpec =
    init.uriSpec === undefined || init.uriSpec === null
      ? null
      : init.uriSpec instanceof UriSpec
        ? init.uriSpec
        : UriSpec.parse(init.uriSpec);
  const enabled = init.enabled ?? true;
  if (typeof enabled !== 'boolean') fail('enabled must be a boolean');
  const payload = init.payload ?? null;
  const payloadClass = payloadClassFor(payload, init.payloadClass, fail);
  return Object.freeze({
    name,
    id,
    address,
    port,
    sslPort,
    payload,
    payloadClass,
    registrationTimeUTC,
    serviceType,
    uriSpec,
    enabled,
  });
}

/**
 * The node data for an instance, exactly as Curator's JsonInstanceSerializer writes it in its
 * default (compatible) mode: fields in the order name, id, address, port, sslPort, payload,
 * registrationTimeUTC, serviceType, uriSpec, with explicit nulls and no `enabled`.
 * `enabled` is appended — as Curator's non-compatible mode does — when `withEnabled` is set or the
 * instance is disabled (which compatible mode cannot express).
 */
export function serializeServiceInstance(
  instance: ServiceInstance,
  options: { withEnabled?: boolean } = {},
): Buffer {
  const fields = [
    `"name":${jacksonString(instance.name)}`,
    `"id":${jacksonString(instance.id)}`,
    `"address":${jacksonJson(instance.address)}`,
    `"port":${jacksonJson(instance.port)}`,
    `"sslPort":${jacksonJson(instance.sslPort)}`,
    `"payload":${payloadJson(instance.payload, instance.payloadClass)}`,
    `"registrationTimeUTC":${instance.registrationTimeUTC}`,
    `"serviceType":${jacksonString(instance.serviceType)}`,
    `"uriSpec":${jacksonJson(instance.uriSpec)}`,
  ];
  if (options.withEnabled || !instance.enabled) fields.push(`"enabled":${instance.enabled}`);
  return Buffer.from(`{${fields.join(',')}}`, 'utf8');
}

/**
 * Reads node data written by Curator or by serializeServiceInstance, as Curator's reader does:
 * unknown fields are ignored, a missing `enabled` means true, missing numbers are null (ports) or 0
 * (registration time). Throws RecipeError CORRUPT_DATA if the data is not such a record.
 */
export function parseServiceInstance<P = unknown>(data: Uint8Array, path?: string): ServiceInstance<P> {
  const corrupt = (reason: string, cause?: unknown): never => {
    throw new RecipeError(
      'CORRUPT_DATA',
      'ServiceDiscovery',
      path,
      `not a service instance record: ${reason}`,
      { cause },
    );
  };
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    corrupt('invalid JSON', error);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) corrupt('not a JSON object');
  const text = (field: string): string | null => {
    const value = json[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') corrupt(`"${field}" is not a string`);
    return value as string;
  };
  const integer = (field: string): number | null => {
    const value = json[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value)) corrupt(`"${field}" is not an integer`);
    return value as number;
  };
  const name = text('name');
  const id = text('id');
  if (name === null || id === null) corrupt('"name" and "id" are required');
  const serviceType = (text('serviceType') ?? 'DYNAMIC') as ServiceType;
  if (!SERVICE_TYPES.includes(serviceType)) corrupt(`unknown serviceType ${serviceType}`);
  let uriSpec: UriSpec | null = null;
  if (json.uriSpec !== undefined && json.uriSpec !== null) {
    try {
      uriSpec = UriSpec.fromJSON(json.uriSpec);
    } catch (error) {
      corrupt('bad uriSpec', error);
    }
  }
  const { payload, payloadClass } = readPayload(json.payload);
  return Object.freeze({
    name: name!,
    id: id!,
    address: text('address'),
    port: integer('port'),
    sslPort: integer('sslPort'),
    payload: payload as P | null,
    payloadClass,
    registrationTimeUTC: integer('registrationTimeUTC') ?? 0,
    serviceType,
    uriSpec,
    enabled: json.enabled !== false,
  });
}

/** Jackson's @JsonTypeInfo(use = CLASS) on `payload`: objects carry "@class", arrays are wrapped. */
function payloadJson(payload: unknown, payloadClass: string | null): string {
  if (payload === null || payload === undefined) return 'null';
  if (Array.isArray(payload))
    return `[${jacksonString(payloadClass ?? DEFAULT_ARRAY_PAYLOAD_CLASS)},${jacksonJson(payload)}]`;
  if (typeof payload === 'object') {
    const { '@class': _ignored, ...fields } = payload as Record<string, unknown>;
    const body = jacksonJson(fields).slice(1, -1);
    const typeId = `"@class":${jacksonString(payloadClass ?? DEFAULT_OBJECT_PAYLOAD_CLASS)}`;
    return `{${body ? `${typeId},${body}` : typeId}}`;
  }
  return jacksonJson(payload);
}

function readPayload(raw: unknown): { payload: unknown; payloadClass: string | null } {
  if (raw === undefined || raw === null) return { payload: null, payloadClass: null };
  if (Array.isArray(raw)) {
    // ["java.util.ArrayList", [...]]: Jackson's wrapper for a typed array
    if (raw.length === 2 && typeof raw[0] === 'string' && Array.isArray(raw[1])) {
      return { payload: raw[1] as unknown, payloadClass: raw[0] };
    }
    return { payload: raw, payloadClass: null };
  }
  if (typeof raw === 'object') {
    const { '@class': typeId, ...fields } = raw as Record<string, unknown>;
    return { payload: fields, payloadClass: typeof typeId === 'string' ? typeId : null };
  }
  return { payload: raw, payloadClass: null };
}

function payloadClassFor(
  payload: unknown,
  given: string | null | undefined,
  fail: (reason: string) => never,
): string | null {
  if (payload === null || typeof payload !== 'object') {
    if (given !== undefined && given !== null) fail('payloadClass applies only to object and array payloads');
    return null;
  }
  const embedded = Array.isArray(payload) ? undefined : (payload as Record<string, unknown>)['@class'];
  const chosen = given ?? (typeof embedded === 'string' ? embedded : undefined);
  if (chosen === undefined)
    return Array.isArray(payload) ? DEFAULT_ARRAY_PAYLOAD_CLASS : DEFAULT_OBJECT_PAYLOAD_CLASS;
  if (
    typeof chosen !== 'string' ||
    !/^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u.test(chosen)
  ) {
    fail(
      `payloadClass must be a Java class name such as "com.example.Details", got ${JSON.stringify(chosen)}`,
    );
  }
  return chosen;
}

function nodeNameField(value: unknown, field: string, fail: (reason: string) => never): string {
  if (typeof value !== 'string' || value.length === 0) return fail(`${field} must be a non-empty string`);
  if (value.includes('/'))
    return fail(`${field} becomes a znode name and must not contain "/": ${JSON.stringify(value)}`);
  try {
    validatePath(`/${value}`);
  } catch (error) {
    return fail(`${field} ${JSON.stringify(value)} is not a valid znode name: ${(error as Error).message}`);
  }
  return value;
}

function portField(value: unknown, field: string, fail: (reason: string) => never): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535) {
    return fail(`${field} must be an integer from 0 to 65535 or null, got ${String(value)}`);
  }
  return value;
}
