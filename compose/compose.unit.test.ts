import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Conventions every compose file keeps (docker-compose config -q, run by compose/validate.sh, checks
 * the syntax; this checks what the syntax allows but the project does not):
 * pinned image tags, a healthcheck on every service that asks the port the service listens on, a
 * quorum-aware healthcheck on ZooKeeper with only the four-letter words it needs, published ports
 * bound to 127.0.0.1 unless ZK_BIND_ADDRESS says otherwise, and services that start only once what
 * they depend on is healthy.
 */
interface Service {
  image?: string;
  command?: string[] | string;
  ports?: string[];
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
/** What compose makes of `${NAME:-default}` when NAME is not set. */
const withDefaults = (value: string): string => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
const commandArguments = (service: Service): string[] =>
  Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/).filter(Boolean);
const optionValue = (service: Service, ...names: string[]): string | undefined => {
  const args = commandArguments(service);
  const index = args.findIndex((arg) => names.includes(arg));
  return index >= 0 ? args[index + 1] : undefined;
};

/**
 * The port a service's process listens on inside its container: what its command says for our own
 * image, the image's documented default for the others. An image this does not know fails the test,
 * so that a new service is checked rather than waved through.
 */
function listenPort({ name, service }: { name: string; service: Service }): number {
  const image = service.image ?? '';
  if (image.startsWith('zk-cookbook:')) {
    const port = optionValue(service, '--port', '-p');
    if (port === undefined) throw new Error(`${name}: a zk-cookbook service must say its --port`);
    return Number(withDefaults(port));
  }
  if (image.startsWith('zookeeper:')) return Number(service.environment?.ZOO_PORT ?? 2181);
  if (image.startsWith('prom/prometheus:')) {
    const address = optionValue(service, '--web.listen-address');
    return Number(address?.split(':').at(-1) ?? 9090);
  }
  if (image.startsWith('grafana/grafana:')) return Number(service.environment?.GF_SERVER_HTTP_PORT ?? 3000);
  if (image.startsWith('confluentinc/cp-kafka:')) {
    const listeners = service.environment?.KAFKA_LISTENERS ?? service.environment?.KAFKA_ADVERTISED_LISTENERS;
    return Number(/PLAINTEXT:\/\/[^,]*:(\d+)/.exec(listeners ?? '')?.[1] ?? 9092);
  }
  throw new Error(`${name}: teach compose.unit.test.ts which port ${image} listens on`);
}

/**
 * The port a healthcheck asks: an http:// URL's, bash's /dev/tcp/<host>/<port>, or the one after the
 * host in an nc/wget/curl line.
 */
function healthcheckPort(test: string): number | undefined {
  const url = /https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?\//.exec(test);
  if (url) return url[1] === undefined ? 80 : Number(url[1]);
  const devTcp = /\/dev\/tcp\/(?:localhost|127\.0\.0\.1)\/(\d+)/.exec(test);
  if (devTcp) return Number(devTcp[1]);
  const nc = /\bnc\b[^|]*?\b(?:localhost|127\.0\.0\.1)\s+(\d+)/.exec(test);
  return nc ? Number(nc[1]) : undefined;
}

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

  it.each(services.map((entry) => [`${entry.file} ${entry.name}`, entry] as const))(
    '%s health-checks the port its command listens on',
    (_label, entry) => {
      const port = listenPort(entry);
      expect(healthcheckPort(text(entry.service.healthcheck?.test)), 'healthcheck port').toBe(port);
      for (const published of entry.service.ports ?? []) {
        // host address : host port : container port
        expect(
          withDefaults(published)
            .split(':')
            .at(-1)
            ?.replace(/\/tcp$/, ''),
          published,
        ).toBe(String(port));
      }
    },
  );

  it.each(services.map(({ file, name, service }) => [`${file} ${name}`, service] as const))(
    '%s publishes its ports on 127.0.0.1 unless ZK_BIND_ADDRESS widens them',
    (_label, service) => {
      for (const published of service.ports ?? [])
        expect(published).toMatch(/^\$\{ZK_BIND_ADDRESS:-127\.0\.0\.1\}:/);
    },
  );

  it('the monitor answers to the names it is reached by: the browser on this machine and Prometheus', () => {
    const monitor = services.find(({ name }) => name === 'monitor')!;
    const allowed = withDefaults(optionValue(monitor.service, '--allowed-hosts') ?? '').split(',');
    expect(allowed).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    const prometheus = parse(readFileSync(join(root, 'compose/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const monitorTargets = prometheus.scrape_configs
      .filter(({ job_name }) => job_name === 'zk-cookbook-monitor')
      .flatMap(({ static_configs }) => static_configs.flatMap(({ targets }) => targets));
    expect(monitorTargets.length).toBeGreaterThan(0);
    for (const target of monitorTargets) {
      const [host, port] = target.split(':');
      expect(allowed).toContain(host);
      expect(Number(port)).toBe(listenPort(monitor));
    }
  });

  it('ZooKeeper is healthy only once it serves in a quorum, with only the 4lw it needs, TTL and metrics enabled', () => {
    for (const { service } of zookeeperServers) {
      const check = text(service.healthcheck?.test);
      expect(check).toContain('srvr');
      expect(check).toMatch(/Mode: \(leader\|follower\|observer/);
      expect(check).not.toContain('ruok');
      // srvr: the healthcheck; srvr, mntr, cons, wchs: the monitor; isro: the client's read-write search.
      expect(service.environment!.ZOO_4LW_COMMANDS_WHITELIST!.split(',').sort()).toEqual([
        'cons',
        'isro',
        'mntr',
        'srvr',
        'wchs',
      ]);
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

describe('compose pins and mounts', () => {
  it('runs the ZooKeeper release the version matrix tests (scripts/fetch-maven.sh pins it)', () => {
    const pinned = /^ZOOKEEPER_PINNED=(\S+)$/m.exec(
      readFileSync(join(root, 'scripts/fetch-maven.sh'), 'utf8'),
    )?.[1];
    expect(pinned).toMatch(/^3\.9\.\d+$/);
    for (const { name, service } of zookeeperServers) expect(service.image, name).toBe(`zookeeper:${pinned}`);
  });

  it("mounts only Grafana's provisioning folders it fills, so the image's plugins/ and alerting/ stay visible", () => {
    const grafana = services.find(({ name }) => name === 'grafana')!.service;
    const provisioning = (grafana.volumes ?? [])
      .map((volume) => volume.split(':')[1] ?? '')
      .filter((target) => target.startsWith('/etc/grafana/provisioning'));
    expect(provisioning.sort()).toEqual([
      '/etc/grafana/provisioning/dashboards',
      '/etc/grafana/provisioning/datasources',
    ]);
  });
});
