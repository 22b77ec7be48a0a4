import { describe, expect, it } from 'vitest';
import {
  parseServiceInstance,
  serializeServiceInstance,
  serviceInstance,
  type ServiceInstanceInit,
} from './service-instance.ts';

const URI = '{scheme}://{address}:{port}';
const URI_JSON =
  '{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true}]}';
const base: ServiceInstanceInit = {
  name: 'api',
  id: 'inst-1',
  address: '10.0.0.5',
  port: 8080,
  registrationTimeUTC: 1700000000000,
  uriSpec: URI,
};

// Node data written by Curator 5.4.0's JsonInstanceSerializer (default, compatible mode), captured
// from the real jars for the same instances.
const CURATOR = {
  hashMap: `{"name":"api","id":"inst-1","address":"10.0.0.5","port":8080,"sslPort":8443,"payload":{"@class":"java.util.HashMap","k":"v"},"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":${URI_JSON}}`,
  pojo: `{"name":"api","id":"inst-1","address":"10.0.0.5","port":8080,"sslPort":null,"payload":{"@class":"Exp$Details","description":"d\\u0001\\n\\"x","weight":3},"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":${URI_JSON}}`,
  string: `{"name":"api","id":"inst-1","address":"10.0.0.5","port":8080,"sslPort":null,"payload":"hello","registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":${URI_JSON}}`,
  number: `{"name":"api","id":"inst-1","address":"10.0.0.5","port":8080,"sslPort":null,"payload":42,"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":${URI_JSON}}`,
  list: `{"name":"api","id":"inst-1","address":"10.0.0.5","port":8080,"sslPort":null,"payload":["java.util.ImmutableCollections$List12",[1,2]],"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":${URI_JSON}}`,
  none: `{"name":"api","id":"inst-1","address":"10.0.0.5","port":8080,"sslPort":null,"payload":null,"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":${URI_JSON}}`,
  // non-compatible mode (JsonInstanceSerializer(cls, false)) of a disabled instance, control character in the name
  disabled: `{"name":"api\\u001F","id":"x","address":"a","port":null,"sslPort":null,"payload":null,"registrationTimeUTC":1795631679273,"serviceType":"DYNAMIC","uriSpec":null,"enabled":false}`,
};

describe('serializeServiceInstance', () => {
  it('writes byte for byte what Curator writes, for every kind of payload', () => {
    const write = (init: Partial<ServiceInstanceInit>): string =>
      serializeServiceInstance(serviceInstance({ ...base, ...init })).toString('utf8');
    expect(write({ sslPort: 8443, payload: { k: 'v' }, payloadClass: 'java.util.HashMap' })).toBe(
      CURATOR.hashMap,
    );
    expect(write({ payload: { description: 'd\u0001\n"x', weight: 3 }, payloadClass: 'Exp$Details' })).toBe(
      CURATOR.pojo,
    );
    expect(write({ payload: 'hello' })).toBe(CURATOR.string);
    expect(write({ payload: 42 })).toBe(CURATOR.number);
    expect(write({ payload: [1, 2], payloadClass: 'java.util.ImmutableCollections$List12' })).toBe(
      CURATOR.list,
    );
    expect(write({})).toBe(CURATOR.none);
    const disabled = serviceInstance({
      name: 'api',
      id: 'x',
      address: 'a',
      registrationTimeUTC: 1795631679273,
      enabled: false,
    });
    expect(serializeServiceInstance(disabled).toString()).toBe(CURATOR.disabled.replace('api\\u001F', 'api'));
  });

  it('marks object payloads as java.util.LinkedHashMap and arrays as java.util.ArrayList by default', () => {
    const json = (payload: unknown): unknown =>
      JSON.parse(serializeServiceInstance(serviceInstance({ ...base, payload })).toString()).payload;
    expect(json({ a: 1, b: { c: [1] } })).toEqual({
      '@class': 'java.util.LinkedHashMap',
      a: 1,
      b: { c: [1] },
    });
    expect(json({})).toEqual({ '@class': 'java.util.LinkedHashMap' });
    expect(json(['x'])).toEqual(['java.util.ArrayList', ['x']]);
    expect(json({ '@class': 'com.example.Given', a: 1 })).toEqual({ '@class': 'com.example.Given', a: 1 });
  });

  it('adds "enabled" only when asked (Curator’s non-compatible mode) or when the instance is disabled', () => {
    const instance = serviceInstance(base);
    expect(serializeServiceInstance(instance).toString()).not.toContain('enabled');
    expect(serializeServiceInstance(instance, { withEnabled: true }).toString()).toMatch(/,"enabled":true}$/);
  });
});

describe('parseServiceInstance', () => {
  it('reads Curator’s records and writes them back identically', () => {
    for (const json of Object.values(CURATOR)) {
      const instance = parseServiceInstance(Buffer.from(json));
      expect(serializeServiceInstance(instance).toString()).toBe(json);
    }
    const pojo = parseServiceInstance(Buffer.from(CURATOR.pojo));
    expect(pojo).toMatchObject({
      name: 'api',
      id: 'inst-1',
      port: 8080,
      sslPort: null,
      payload: { description: 'd\u0001\n"x', weight: 3 },
      payloadClass: 'Exp$Details',
      serviceType: 'DYNAMIC',
      enabled: true,
    });
    expect(pojo.uriSpec?.build(pojo)).toBe('http://10.0.0.5:8080');
    expect(parseServiceInstance(Buffer.from(CURATOR.list))).toMatchObject({
      payload: [1, 2],
      payloadClass: 'java.util.ImmutableCollections$List12',
    });
  });

  it('ignores unknown fields and gives missing ones Curator’s defaults', () => {
    const instance = parseServiceInstance(
      Buffer.from('{"name":"x","id":"y","payload":{"a":1},"extra":5,"enabled":null}'),
    );
    expect(instance).toMatchObject({
      name: 'x',
      id: 'y',
      address: null,
      port: null,
      payload: { a: 1 },
      payloadClass: null,
      registrationTimeUTC: 0,
      serviceType: 'DYNAMIC',
      uriSpec: null,
      enabled: true,
    });
  });

  it('refuses data that is not an instance record', () => {
    for (const data of [
      'not json',
      '[1]',
      '{"id":"x"}',
      '{"name":"x","id":"y","serviceType":"ODD"}',
      '{"name":"x","id":"y","port":"80"}',
    ]) {
      expect(() => parseServiceInstance(Buffer.from(data), '/s/x')).toThrow(
        expect.objectContaining({ code: 'CORRUPT_DATA' }),
      );
    }
  });
});

describe('serviceInstance', () => {
  it('fills Curator’s defaults', () => {
    const before = Date.now();
    const instance = serviceInstance({ name: 'api' });
    expect(instance.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(instance.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(instance.registrationTimeUTC).toBeGreaterThanOrEqual(before);
    expect(instance).toMatchObject({
      port: null,
      sslPort: null,
      payload: null,
      serviceType: 'DYNAMIC',
      enabled: true,
      uriSpec: null,
    });
  });

  it('validates every field', () => {
    const bad: Partial<ServiceInstanceInit>[] = [
      { name: '' },
      { name: 'a/b' },
      { id: '..' },
      { id: 'x\u0000' },
      { port: 70_000 },
      { sslPort: -1 },
      { port: 1.5 },
      { serviceType: 'SOMETIMES' as never },
      { registrationTimeUTC: 1.5 },
      { payload: 'text', payloadClass: 'java.lang.String' },
      { payload: { a: 1 }, payloadClass: 'not a class!' },
      { uriSpec: '{open' },
    ];
    for (const fields of bad) {
      expect(
        () => serviceInstance({ ...base, ...fields } as ServiceInstanceInit),
        JSON.stringify(fields),
      ).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    }
  });
});
