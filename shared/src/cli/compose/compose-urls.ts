import { formatPatternTable, manifestPages } from '../patterns/pattern-table.ts';
import type { PatternManifest } from '../patterns/pattern-manifest.ts';
import type { ComposeTarget } from './compose-target.ts';
import type { ContainerStatus } from './container-status.ts';
import type { PublishedPort, ResolvedConfig, ResolvedService } from './resolved-config.ts';
import type { ReadinessExpectation } from './stack-readiness.ts';

const isZooKeeper = (service: ResolvedService): boolean => service.image.startsWith('zookeeper:');
// Our own image serves /healthz and /readyz (shared/src/http); other images only their healthcheck.
const servesReadyz = (service: ResolvedService): boolean => service.image.startsWith('zk-cookbook:');

/** How a browser on this machine reaches a published port. */
export function publishedUrl(port: PublishedPort): string {
  const host =
    port.hostIp === '' || port.hostIp === '0.0.0.0' || port.hostIp === '::'
      ? 'localhost'
      : port.hostIp.includes(':')
        ? `[${port.hostIp}]`
        : port.hostIp;
  return `http://${host}:${port.published}`;
}

/** The ensemble's client ports as a connect string, e.g. 127.0.0.1:2181,...,127.0.0.1:2184. */
export function ensembleConnectString(config: ResolvedConfig): string {
  return config.active
    .filter(isZooKeeper)
    .flatMap((service) => service.ports.filter((port) => port.target === 2181))
    .map(
      (port) =>
        `${port.hostIp === '' || port.hostIp === '0.0.0.0' ? '127.0.0.1' : port.hostIp}:${port.published}`,
    )
    .join(',');
}

/** What `up` waits for: every ZooKeeper server healthy, every other service healthy, ours /readyz 200. */
export function readinessExpectations(config: ResolvedConfig): ReadinessExpectation[] {
  return config.active.map((service) => {
    const port = service.ports[0];
    return {
      service: service.name,
      ...(isZooKeeper(service) && { ensemble: true }),
      ...(servesReadyz(service) && port && { readyUrl: `${publishedUrl(port)}/readyz` }),
    };
  });
}

export interface ComposeTableInput {
  readonly target: ComposeTarget;
  readonly config: ResolvedConfig;
  readonly containers: readonly ContainerStatus[];
  /** the pattern's zkCookbook manifest, for its title and pages */
  readonly manifest?: PatternManifest;
}

/** The table `zk-cookbook run` prints, for what compose started: each service's URL and container. */
export function describeComposeTarget(input: ComposeTableInput): string {
  const { target, config, containers, manifest } = input;
  const services = config.active.filter((service) => !isZooKeeper(service) && service.ports.length > 0);
  const instances = services.map((service) => ({
    instanceId: service.name,
    url: publishedUrl(service.ports[0]!),
    detail: containers.find((container) => container.service === service.name)?.name ?? '',
  }));
  // Compose services are named after the manifest's ("subscriber-2" is an instance of "subscriber").
  const urls: Record<string, string[]> = {};
  for (const instance of instances) {
    const owner = manifest?.services.find(
      (spec) =>
        instance.instanceId === spec.name || new RegExp(`^${spec.name}-\\d+$`).test(instance.instanceId),
    );
    if (owner) (urls[owner.name] ??= []).push(instance.url);
  }
  const byName = (name: string): string | undefined => instances.find((i) => i.instanceId === name)?.url;
  const pages =
    target.kind === 'pattern' && manifest
      ? manifestPages(manifest, urls)
      : target.kind === 'monitoring'
        ? [
            { title: 'dashboard', url: `${byName('monitor') ?? ''}/` },
            { title: 'Grafana', url: `${byName('grafana') ?? ''}/` },
            { title: 'Prometheus', url: `${byName('prometheus') ?? ''}/` },
          ]
        : [];
  const heading =
    target.kind === 'pattern'
      ? `${manifest?.title ?? target.name} (examples/${target.name}) is running under Docker Compose.`
      : target.kind === 'monitoring'
        ? 'The ensemble with monitoring (compose/zookeeper.yml, profile monitoring) is running under Docker Compose.'
        : 'The ZooKeeper ensemble (compose/zookeeper.yml) is running under Docker Compose.';
  return formatPatternTable({
    heading,
    detailHeader: 'container',
    instances,
    pages,
    connectString: ensembleConnectString(config),
    closing: 'Stop it with: npx zk-cookbook compose down   (-v also drops the data volumes)',
  });
}
