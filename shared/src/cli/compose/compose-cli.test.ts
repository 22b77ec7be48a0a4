import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allocateFreePorts } from '../../ensemble/index.ts';
import { listComposePatterns } from './compose-target.ts';
import { requireCompose } from './compose-executable.ts';
import { expectedServices, validateCompose } from './compose-validation.ts';
import { readPortVariables } from './port-variables.ts';

/**
 * `zk-cookbook compose` end to end, as a user runs it: the real CLI, the real compose on this machine
 * (the V2 plugin, else docker-compose for what needs no engine). Where a test needs "no Docker
 * engine", DOCKER_HOST names a socket nobody listens on, so the docker CLI really fails to reach one
 * on any machine.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = join(root, 'shared/bin/zk-cookbook.js');
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/zk-cookbook-no-engine.sock' };
const scratch: string[] = [];
afterAll(() => scratch.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: root, env: { ...process.env, ...env }, timeout: 110_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const zkCookbook = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> =>
  run(process.execPath, [cli, ...args], env);

describe('zk-cookbook compose', () => {
  it('validate resolves every combination, each examples/*/compose.yml included, without an engine', async () => {
    const { code, stdout, stderr } = await zkCookbook(['compose', 'validate'], NO_ENGINE);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const patterns = listComposePatterns(root);
    expect(patterns.length).toBeGreaterThan(0);
    for (const target of ['ensemble', 'monitoring', 'pattern template', ...patterns]) {
      expect(stdout).toMatch(new RegExp(`^ok {4}${target} \\(`, 'm'));
    }
    expect(stdout).toMatch(new RegExp(`^all ${patterns.length + 3} compose combinations valid`, 'm'));
  }, 120_000);

  it('validate names the combination compose refuses, and the files still good pass', async () => {
    // A copy of the repository's compose files plus one pattern whose service needs a service nobody defines.
    const copy = mkdtempSync(join(tmpdir(), 'compose-validate-'));
    scratch.push(copy);
    mkdirSync(join(copy, 'compose'));
    for (const file of ['zookeeper.yml', 'pattern.example.yml']) {
      copyFileSync(join(root, 'compose', file), join(copy, 'compose', file));
    }
    mkdirSync(join(copy, 'examples/broken'), { recursive: true });
    writeFileSync(
      join(copy, 'examples/broken/compose.yml'),
      'services:\n  worker:\n    image: busybox:1.36\n    depends_on: { nowhere: { condition: service_healthy } }\n',
    );
    const compose = await requireCompose('validate');

    const results = await validateCompose(compose, copy);

    expect(results.map((result) => [result.target.name, result.problem === undefined])).toEqual([
      ['ensemble', true],
      ['monitoring', true],
      ['pattern template', true],
      ['broken', false],
    ]);
    expect(results[3]!.problem).toMatch(/exited with code [1-9]/);
    expect(results[3]!.problem).toContain('nowhere');
  }, 120_000);

  it("config <pattern> layers the pattern on the ensemble: the resolved config holds both files' services", async () => {
    const pattern = listComposePatterns(root)[0]!;
    const { code, stdout } = await zkCookbook(['compose', 'config', pattern], NO_ENGINE);

    expect(code).toBe(0);
    const resolved = parse(stdout) as { services: Record<string, unknown> };
    const own = expectedServices(
      { name: pattern, kind: 'pattern', files: [`examples/${pattern}/compose.yml`], profiles: [] },
      root,
    );
    expect(own.length).toBeGreaterThan(0);
    expect(Object.keys(resolved.services)).toEqual(
      expect.arrayContaining(['zoo1', 'zoo2', 'zoo3', 'zoo4', ...own]),
    );
  }, 60_000);

  it('up without a Docker engine says so and points to zk-cookbook run, which needs none', async () => {
    const pattern = listComposePatterns(root)[0]!;
    const { code, stdout, stderr } = await zkCookbook(['compose', 'up', pattern], NO_ENGINE);

    expect(code).toBe(1);
    expect(stderr).toContain('zk-cookbook: compose up: no Docker engine answers (');
    expect(stderr).toContain(`npx zk-cookbook run ${pattern}\`, which needs none`);
    expect(stderr).not.toContain('    at '); // an expected error: a message, not a stack
    expect(stdout).toBe('');
  }, 60_000);

  it('up of an unknown pattern lists the known ones', async () => {
    const { code, stderr } = await zkCookbook(['compose', 'up', 'no-such-pattern'], NO_ENGINE);

    expect(code).toBe(1);
    const known = [...listComposePatterns(root), 'monitoring'].join(', ');
    expect(stderr).toBe(
      `zk-cookbook: unknown pattern "no-such-pattern". Known: ${known} (or nothing, for the ensemble alone).\n`,
    );
  }, 60_000);

  it('the pre-flight check names a port already taken on 127.0.0.1 and the variable that moves it', async () => {
    // Every published port of the monitoring target moved to a free one, then one of them occupied.
    const variables = readPortVariables(['compose/zookeeper.yml'], root);
    const ports = await allocateFreePorts(variables.length);
    const env: NodeJS.ProcessEnv = { ...NO_ENGINE };
    variables.forEach(({ variable }, index) => (env[variable] = String(ports[index])));
    const busy = variables.findIndex(({ variable }) => variable === 'GRAFANA_PORT');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[busy], '127.0.0.1', resolve));
    try {
      const { code, stdout, stderr } = await zkCookbook(['compose', 'check', 'monitoring'], env);

      expect(code).toBe(1);
      expect(stdout).toContain(`ports:   ${variables.length - 1} of ${variables.length} free`);
      expect(stderr).toContain(
        `port 127.0.0.1:${ports[busy]} (grafana) is already taken: ` +
          'move it with GRAFANA_PORT=<free port> npx zk-cookbook compose up monitoring',
      );
      expect(stderr.match(/is already taken/g)).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it('logs of an unknown service lists the services, before it needs an engine', async () => {
    const { code, stderr } = await zkCookbook(['compose', 'logs', 'zoo9'], NO_ENGINE);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^zk-cookbook: unknown service "zoo9"\. Known: .*\bzoo1, zoo2, zoo3, zoo4\b/);
  }, 60_000);
});

describe('zk-cookbook compose up against a Docker stand-in', () => {
  /**
   * No engine runs here, so a stand-in docker CLI plays one: an engine that answers, the V2 plugin,
   * `config` delegated to the real compose, `up` recorded, and `ps` reporting every container running
   * and healthy. The services' /readyz are real HTTP servers on the ports the config publishes, so
   * what is checked is the CLI's own work: the pre-flight, the layered command line, the wait, the
   * table.
   */
  it('checks, starts the layered files detached, waits for /readyz and prints the URL table', async () => {
    const pattern = listComposePatterns(root)[0]!;
    const files = ['compose/zookeeper.yml', `examples/${pattern}/compose.yml`];
    // The monitoring profile's services are not started with a pattern: only the active ones count.
    const active = new Set(expectedServices({ name: pattern, kind: 'pattern', files, profiles: [] }, root));
    const variables = readPortVariables(files, root).filter(({ service }) => active.has(service));
    const ports = await allocateFreePorts(variables.length);
    const env: NodeJS.ProcessEnv = {};
    variables.forEach(({ variable }, index) => (env[variable] = String(ports[index])));
    const servers: Server[] = [];
    const readyzHits: string[] = [];
    const statuses: string[] = [];
    for (const [index, { service }] of variables.entries()) {
      const published = ports[index]!;
      statuses.push(
        JSON.stringify({
          Name: `compose-${service}-1`,
          Service: service,
          State: 'running',
          Health: 'healthy',
          ExitCode: 0,
          Publishers: [{ URL: '127.0.0.1', PublishedPort: published }],
        }),
      );
      if (service.startsWith('zoo')) continue;
      const server = createHttpServer((request, response) => {
        readyzHits.push(`${service} ${request.url}`);
        response.end('ok');
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(published, '127.0.0.1', resolve));
    }
    const directory = mkdtempSync(join(tmpdir(), 'docker-stand-in-'));
    scratch.push(directory);
    writeFileSync(join(directory, 'ps.json'), `${statuses.join('\n')}\n`);
    const realCompose = (await run('sh', ['-c', 'command -v docker-compose || true'])).stdout.trim();
    const realDocker = (await run('sh', ['-c', 'command -v docker || true'])).stdout.trim();
    const configBy = realCompose ? `'${realCompose}' "$@"` : `'${realDocker}' compose "$@"`;
    writeFileSync(
      join(directory, 'docker'),
      [
        '#!/bin/sh',
        `echo "$*" >> '${directory}/calls.log'`,
        'case "$*" in',
        "  'version --format {{.Server.Version}}') echo 27.3.1 ;;",
        "  'compose version --short') echo 2.29.7 ;;",
        `  *' ps --all --format json') cat '${directory}/ps.json' ;;`,
        `  *' config') shift; exec ${configBy} ;;`,
        "  *' up -d'|*' up --build -d') echo 'Container started (stand-in)' >&2 ;;",
        '  *) echo "stand-in docker: unexpected $*" >&2; exit 1 ;;',
        'esac',
      ].join('\n') + '\n',
    );
    chmodSync(join(directory, 'docker'), 0o755);

    try {
      const { code, stdout, stderr } = await zkCookbook(['compose', 'up', pattern, '--build'], {
        ...env,
        PATH: `${directory}:${process.env.PATH ?? ''}`,
      });

      expect(stderr).toContain('Container started (stand-in)');
      expect(code).toBe(0);
      const calls = readFileSync(join(directory, 'calls.log'), 'utf8').trim().split('\n');
      const layered = files.map((file) => `-f ${file}`).join(' ');
      expect(calls).toContain(`compose ${layered} up --build -d`);
      expect(stdout).toContain(`docker compose ${layered} up --build -d`);
      expect(stdout).toContain('ZooKeeper ensemble healthy: zoo1, zoo2, zoo3, zoo4');
      expect(stdout).toContain(`(examples/${pattern}) is running under Docker Compose.`);
      expect(stdout).toMatch(/^INSTANCE +URL +CONTAINER$/m);
      for (const [index, { service }] of variables.entries()) {
        if (service.startsWith('zoo')) continue;
        expect(stdout).toMatch(
          new RegExp(`^${service} +http://127\\.0\\.0\\.1:${ports[index]} +compose-${service}-1$`, 'm'),
        );
        expect(readyzHits).toContain(`${service} /readyz`);
      }
      const zooPorts = variables.flatMap(({ service }, index) =>
        service.startsWith('zoo') ? [ports[index]] : [],
      );
      expect(stdout).toContain(`ZooKeeper: ${zooPorts.map((port) => `127.0.0.1:${port}`).join(',')}`);
      expect(stdout).toContain('Stop it with: npx zk-cookbook compose down');
    } finally {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  }, 120_000);
});

describe('compose/up, the wrapper for people without Node', () => {
  /** A docker CLI that has the Compose V2 plugin and records what it is asked, to see what compose/up passes. */
  function fakeDocker(withPlugin = true): { path: string; calls: () => string[] } {
    const directory = mkdtempSync(join(tmpdir(), 'fake-docker-'));
    scratch.push(directory);
    const log = join(directory, 'calls.log');
    // Without the plugin, the docker CLI answers `docker compose ...` as an unknown command.
    const exit = withPlugin ? 'exit 0' : 'echo "docker: unknown command: docker compose" >&2; exit 125';
    writeFileSync(join(directory, 'docker'), `#!/bin/sh\necho "$*" >> '${log}'\n${exit}\n`);
    chmodSync(join(directory, 'docker'), 0o755);
    return {
      path: `${directory}:${process.env.PATH ?? ''}`,
      calls: () => readFileSync(log, 'utf8').trim().split('\n'),
    };
  }

  it('passes options after the pattern (or after --) to docker compose up instead of reading them as a pattern', async () => {
    const pattern = listComposePatterns(root)[0]!;
    const docker = fakeDocker();
    expect((await run('bash', ['compose/up', pattern, '-d'], { PATH: docker.path })).code).toBe(0);
    expect((await run('bash', ['compose/up', '-d', '--wait'], { PATH: docker.path })).code).toBe(0);
    expect((await run('bash', ['compose/up', 'monitoring', '--', '-d'], { PATH: docker.path })).code).toBe(0);

    expect(docker.calls().filter((call) => !call.startsWith('compose version'))).toEqual([
      `compose -f compose/zookeeper.yml -f examples/${pattern}/compose.yml up --build -d`,
      'compose -f compose/zookeeper.yml up --build -d --wait',
      'compose -f compose/zookeeper.yml --profile monitoring up --build -d',
    ]);
  });

  it('refuses to fall back to docker-compose V1, saying why', async () => {
    const docker = fakeDocker(false);
    const { code, stderr } = await run('bash', ['compose/up', '-d'], { PATH: docker.path });
    expect(code).toBe(1);
    expect(docker.calls()).toEqual(['compose version']);
    expect(stderr).toContain('compose/up needs Docker Compose V2');
    expect(stderr).toContain("KeyError: 'ContainerConfig'");
  });
});
