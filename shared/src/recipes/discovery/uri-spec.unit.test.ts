import { describe, expect, it } from 'vitest';
import { serviceInstance } from './service-instance.ts';
import { UriSpec } from './uri-spec.ts';

describe('UriSpec', () => {
  it('parses like Curator: literal runs and trimmed variable names', () => {
    const spec = UriSpec.parse('{scheme}://{ address }:{port}/v1');
    expect(spec.parts).toEqual([
      { value: 'scheme', variable: true },
      { value: '://', variable: false },
      { value: 'address', variable: true },
      { value: ':', variable: false },
      { value: 'port', variable: true },
      { value: '/v1', variable: false },
    ]);
    expect(spec.toString()).toBe('{scheme}://{address}:{port}/v1');
    expect(UriSpec.parse('{}x').parts).toEqual([{ value: 'x', variable: false }]);
    expect(UriSpec.parse('').parts).toEqual([]);
  });

  it('rejects unbalanced braces with Curator’s reasons', () => {
    expect(() => UriSpec.parse('{a{b}}')).toThrow(/\{ is not allowed inside of a variable/);
    expect(() => UriSpec.parse('a}')).toThrow(/\} must be preceded by \{/);
    expect(() => UriSpec.parse('{port')).toThrow(/Final variable not closed/);
    expect(() => UriSpec.parse('{port')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });

  it('builds from an instance: https when an ssl port is set, lower-case service type, literal braces', () => {
    const spec = UriSpec.parse(
      '{scheme}://{address}:{port}/{name}/{id}?ssl={ssl-port}&t={registration-time-utc}&type={service-type}&b={[}x{]}',
    );
    const plain = serviceInstance({
      name: 'api',
      id: 'i1',
      address: '10.0.0.5',
      port: 8080,
      registrationTimeUTC: 42,
      serviceType: 'DYNAMIC_SEQUENTIAL',
    });
    expect(spec.build(plain)).toBe('http://10.0.0.5:8080/api/i1?ssl=&t=42&type=dynamic_sequential&b={x}');
    const secure = serviceInstance({
      name: 'api',
      id: 'i1',
      address: 'h',
      port: 80,
      sslPort: 443,
      registrationTimeUTC: 1,
    });
    expect(UriSpec.parse('{scheme}://{address}:{ssl-port}').build(secure)).toBe('https://h:443');
  });

  it('lets variables override fields and leaves out what nobody fills', () => {
    const spec = UriSpec.parse('{scheme}://{address}:{port}{missing}/{custom}');
    expect(spec.build()).toBe('http://:/');
    expect(spec.build(null, { address: 'x', port: 1, custom: 'c', scheme: 'ftp' })).toBe('ftp://x:1/c');
  });

  it('stores its parts as Curator does and reads them back', () => {
    const spec = UriSpec.parse('{scheme}://{address}');
    const json = JSON.stringify(spec);
    expect(json).toBe(
      '{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true}]}',
    );
    expect(UriSpec.fromJSON(JSON.parse(json)).toString()).toBe('{scheme}://{address}');
    expect(UriSpec.fromJSON({ parts: [{}] }).parts).toEqual([{ value: '', variable: false }]);
    expect(() => UriSpec.fromJSON({})).toThrow(/parts/);
  });
});
