import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Conventions every compose file keeps (docker-compose config -q, run by compose/validate.sh, checks
 * the syntax; this checks what the syntax allows but the project does not):
 * pinned image tags, a healthcheck on every service, a quorum-aware healthcheck on ZooKeeper, and
 * services that start only once what they depend on is healthy.
 */
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }> | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  profiles?: string[];
}

const root = new URL('../', import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const files = [
  'compose/zookeeper.yml',
  'compose/pattern.example.yml',
  ...(existsSync(join(root, 'examples')) ? readdirSync(join(root, 'examples'), { withFileTypes: true }) : [])
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'examples', entry.name, 'compose.yml')))
    .map((entry) => `examples/${entry.name}/compose.yml`),
];
const services: { file: string; name: string; service: Service }[] = files.flatMap((file) => {
  const document = parse(readFileSync(join(root, file), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  return Object.entries(document.services).map(([name, service]) => ({ file, name, service }));
});
const zookeeperServers = services.filter(({ service }) => service.image?.startsWith('zookeeper:'));
const text = (value: string[] | string | undefined): string =>
  Array.isArray(value) ? value.join(' ') : (value ?? '');

describe('compose conventions', () => {
  it('the shared ensemble has three voting servers and one observer', () => {
    expect(zookeeperServers.map(({ name }) => name)).toEqual(['zoo1', 'zoo2', 'zoo3', 'zoo4']);
    const servers = zookeeperServers[0]!.service.environment!.ZOO_SERVERS!;
    expect(servers.match(/server\.\d=/g)).toHaveLength(4);
    expect(servers).toContain('server.4=zoo4:2888:3888:observer;2181');
    expect(zookeeperServers[3]!.service.environment!.ZOO_CFG_EXTRA).toContain('peerType=observer');
  });

  it.each(services.map(({ file, name, service }) => [`${file} ${name}`, service] as const))(
    '%s pins its image tag',
    (_label, service) => {
      const image = service.image ?? '';
      const [, tag] = image.split(':');
      expect(tag, `${image} must name a version`).toMatch(/^\d+(\.\d+)*|^v\d+(\.\d+)*/);
      expect(tag).not.toBe('latest');
      if (image.startsWith('zk-cookbook:')) {
        expect(tag).toBe(version);
        expect(service.build).toEqual({ context: '..', dockerfile: 'compose/Dockerfile' });
      }
    },
  );

  it.each(services.map(({ file, name, service }) => [`${file} ${name}`, service] as const))(
    '%s has a healthcheck',
    (_label, service) => {
      expect(text(service.healthcheck?.test).length).toBeGreaterThan(0);
    },
  );

  it('ZooKeeper is healthy only once it serves in a quorum, with 4lw, TTL and metrics enabled', () => {
    for (const { service } of zookeeperServers) {
      const check = text(service.healthcheck?.test);
      expect(check).toContain('srvr');
      expect(check).toMatch(/Mode: \(leader\|follower\|observer/);
      expect(check).not.toContain('ruok');
      expect(service.environment!.ZOO_4LW_COMMANDS_WHITELIST).toBe('*');
      expect(service.environment!.JVMFLAGS).toContain('-Dzookeeper.extendedTypesEnabled=true');
      expect(service.environment!.ZOO_CFG_EXTRA).toContain('PrometheusMetricsProvider');
      expect(service.volumes!.some((volume) => volume.endsWith(':/data'))).toBe(true);
    }
  });

  it('every other service waits for healthy dependencies, and those using ZooKeeper wait for the whole ensemble', () => {
    for (const { file, name, service } of services) {
      if (service.image?.startsWith('zookeeper:')) continue;
      const dependsOn = service.depends_on;
      expect(dependsOn, `${file} ${name} has no depends_on`).toBeDefined();
      expect(Array.isArray(dependsOn), `${file} ${name}: depends_on must name conditions`).toBe(false);
      const conditions = Object.values(dependsOn as Record<string, { condition?: string }>).map(
        (d) => d.condition,
      );
      expect(conditions.every((condition) => condition === 'service_healthy')).toBe(true);
      if (service.image?.startsWith('zk-cookbook:')) {
        expect(Object.keys(dependsOn as object).sort()).toEqual(['zoo1', 'zoo2', 'zoo3', 'zoo4']);
      }
    }
  });
});
