import { config as composeConfig } from 'docker-compose';
import { commandLine, composeOptions, runCompose, type ComposeContext } from './compose-invocation.ts';

/** A port a service publishes on the host, after compose has substituted the variables. */
export interface PublishedPort {
  readonly service: string;
  /** the host address it binds; "" for every address */
  readonly hostIp: string;
  readonly published: number;
  /** the port inside the container */
  readonly target: number;
}

export interface ResolvedService {
  readonly name: string;
  readonly image: string;
  readonly profiles: readonly string[];
  readonly ports: readonly PublishedPort[];
}

/** What compose makes of the layered files: the merged services, variables substituted. */
export interface ResolvedConfig {
  /** every service the files define, in compose's order */
  readonly services: readonly ResolvedService[];
  /** the services that `up` starts with the target's profiles */
  readonly active: readonly ResolvedService[];
  /** the YAML compose printed */
  readonly text: string;
}

export async function resolveConfig(context: ComposeContext): Promise<ResolvedConfig> {
  const result = await runCompose('config', commandLine(context, 'config'), () =>
    composeConfig(composeOptions(context)),
  );
  return parseResolvedConfig(result.data.config, context.target.profiles, result.out);
}

type RawService = { image?: unknown; profiles?: unknown; ports?: unknown };

/** Reads compose's merged config; V1 writes ports as "ip:published:target/tcp", V2 as objects. */
export function parseResolvedConfig(
  document: unknown,
  activeProfiles: readonly string[],
  text = '',
): ResolvedConfig {
  const rawServices = ((document as { services?: Record<string, RawService> } | null)?.services ??
    {}) as Record<string, RawService>;
  const services = Object.entries(rawServices).map(([name, raw]): ResolvedService => {
    const profiles = Array.isArray(raw.profiles) ? raw.profiles.map(String) : [];
    const ports = (Array.isArray(raw.ports) ? raw.ports : []).flatMap((port) => parsePort(name, port));
    return { name, image: typeof raw.image === 'string' ? raw.image : '', profiles, ports };
  });
  // V1 prints every service whatever the profiles; V2 only the active ones. Filtering here makes both agree.
  const active = services.filter(
    (service) => service.profiles.length === 0 || service.profiles.some((p) => activeProfiles.includes(p)),
  );
  return { services, active, text };
}

function parsePort(service: string, port: unknown): PublishedPort[] {
  if (typeof port === 'string' || typeof port === 'number') {
    const [mapping] = String(port).split('/');
    const parts = (mapping ?? '').split(':');
    if (parts.length < 2) return []; // only a container port: nothing published on a known port
    const target = Number(parts.at(-1));
    const published = Number(parts.at(-2));
    const hostIp = parts.slice(0, -2).join(':');
    return Number.isInteger(published) && published > 0 ? [{ service, hostIp, published, target }] : [];
  }
  if (typeof port === 'object' && port !== null) {
    const long = port as { host_ip?: unknown; published?: unknown; target?: unknown };
    const published = Number(long.published);
    if (!Number.isInteger(published) || published <= 0) return [];
    return [
      {
        service,
        hostIp: typeof long.host_ip === 'string' ? long.host_ip : '',
        published,
        target: Number(long.target),
      },
    ];
  }
  return [];
}
