import { describe, expect, it } from 'vitest';
import { parseResolvedConfig } from './resolved-config.ts';

describe("compose's resolved config", () => {
  it('reads V1 port strings and V2 port objects alike', () => {
    const v1 = parseResolvedConfig(
      { services: { zoo1: { image: 'zookeeper:3.9.5', ports: ['127.0.0.1:2181:2181/tcp', '7000'] } } },
      [],
    );
    const v2 = parseResolvedConfig(
      {
        services: {
          zoo1: {
            image: 'zookeeper:3.9.5',
            ports: [
              { mode: 'ingress', host_ip: '127.0.0.1', target: 2181, published: '2181', protocol: 'tcp' },
              { mode: 'ingress', target: 7000, protocol: 'tcp' },
            ],
          },
        },
      },
      [],
    );
    const expected = [{ service: 'zoo1', hostIp: '127.0.0.1', published: 2181, target: 2181 }];
    expect(v1.services[0]!.ports).toEqual(expected);
    expect(v2.services[0]!.ports).toEqual(expected);
    expect(parseResolvedConfig({ services: { web: { ports: ['8080:80'] } } }, []).services[0]!.ports).toEqual(
      [{ service: 'web', hostIp: '', published: 8080, target: 80 }],
    );
  });

  it('counts a profiled service active only under its profile (V1 prints it regardless)', () => {
    const document = {
      services: {
        zoo1: { image: 'zookeeper:3.9.5' },
        grafana: { image: 'grafana/grafana:11.1.0', profiles: ['monitoring'] },
      },
    };
    expect(parseResolvedConfig(document, []).active.map((s) => s.name)).toEqual(['zoo1']);
    expect(parseResolvedConfig(document, ['monitoring']).active.map((s) => s.name)).toEqual([
      'zoo1',
      'grafana',
    ]);
    expect(parseResolvedConfig(document, []).services).toHaveLength(2);
  });
});
