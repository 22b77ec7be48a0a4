import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../test-support/index.ts';
import { LeaderLatch } from '../recipes/leader/leader-latch.ts';
import { Mutex } from '../recipes/locks/mutex.ts';
import { ServiceDiscovery } from '../recipes/discovery/service-discovery.ts';

/**
 * `zk-cookbook add` as a user runs it: into a fresh project outside the repository with an ordinary
 * tsconfig (NodeNext, strict, no allowImportingTsExtensions), typechecked by tsc, built to
 * JavaScript and run with plain node against the test ensemble, next to the library's own recipe on
 * the same path — so the copy is proven to compile, to run, and to speak the same znode layout.
 */
const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/zk-cookbook.js', import.meta.url));
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
const repositoryTypes = fileURLToPath(new URL('../../../node_modules/@types', import.meta.url));
const zk = useZooKeeper('add-command');
const projects: string[] = [];
const scripts: Script[] = [];

afterEach(() => {
  // A failed test may leave its script waiting (for a lock, for stdin): end it, by its own PID.
  for (const script of scripts.splice(0)) {
    if (script.child.exitCode === null && script.child.signalCode === null) script.child.kill();
  }
});

afterAll(async () => {
  await Promise.all(projects.map((project) => rm(project, { recursive: true, force: true })));
});

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    outDir: 'dist',
    rootDir: 'src',
    types: ['node'],
    typeRoots: [repositoryTypes],
  },
  include: ['src'],
};

/** A fresh project with `recipe` added and `main` as src/main.ts, typechecked and built. */
async function builtProject(recipe: string, main: string): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), `zk-cookbook-add-${recipe}-`));
  projects.push(project);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const added = await run(process.execPath, [bin, 'add', recipe, '--dir', 'src/zookeeper'], { cwd: project });
  expect(added.stdout).toMatch(new RegExp(`${recipe}: \\d+ files, \\d+ lines`));
  await mkdir(join(project, 'src'), { recursive: true });
  await writeFile(join(project, 'src/main.ts'), main);
  const typecheck = await run(process.execPath, [tsc, '-p', '.', '--noEmit'], { cwd: project }).then(
    () => 'clean',
    (error: { stdout: string }) => error.stdout,
  );
  expect(typecheck).toBe('clean');
  // Checked above; emit without checking again (the check is the slow half on a loaded machine).
  await run(process.execPath, [tsc, '-p', '.', '--noCheck'], { cwd: project });
  return project;
}

interface Script {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exit: Promise<number | null>;
}

/** Runs the built dist/main.js with plain node (no tsx, no source condition). */
function startScript(project: string, args: string[]): Script {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { cwd: project });
  const script: Script = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout.on('data', (chunk: Buffer) => (script.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (script.stderr += chunk.toString()));
  scripts.push(script);
  return script;
}

async function finished(script: Script): Promise<string> {
  const code = await script.exit;
  expect(code, script.stderr).toBe(0);
  return script.stdout;
}

describe('zk-cookbook add, used from a fresh project', () => {
  it('mutex: the copy queues behind the library Mutex on the same path, then holds it', async () => {
    const project = await builtProject(
      'mutex',
      `import { ZooKeeperClient } from './zookeeper/client/index.js';
import { Mutex } from './zookeeper/recipes/locks/mutex.js';

const [connectString, lockPath, proofPath] = process.argv.slice(2) as [string, string, string];
const client = await ZooKeeperClient.connect(connectString);
try {
  const lease = await new Mutex(client, lockPath, { id: 'copied-mutex' }).acquire({ timeoutMs: 60_000 });
  try {
    await client.setData(proofPath, \`copied \${lease.fencingToken}\`, { signal: lease.signal });
  } finally {
    await lease.release();
  }
  console.log(JSON.stringify({ fencingToken: String(lease.fencingToken) }));
} finally {
  await client.close();
}
`,
    );
    const client = await zk.connect();
    await client.create('/add-mutex-proof', 'untouched');
    const ours = new Mutex(client, '/add-mutex', { id: 'library-mutex' });
    const held = await ours.acquire();
    const script = startScript(project, [zk.connectString, '/add-mutex', '/add-mutex-proof']);
    await eventually(
      async () => expect(await ours.participants()).toEqual(['library-mutex', 'copied-mutex']),
      {
        timeoutMs: 20_000,
      },
    );
    expect((await client.getData('/add-mutex-proof')).data.toString()).toBe('untouched');
    await held.release();
    const { fencingToken } = JSON.parse(await finished(script)) as { fencingToken: string };
    expect(BigInt(fencingToken)).toBeGreaterThan(held.fencingToken);
    await client.sync('/add-mutex-proof');
    expect((await client.getData('/add-mutex-proof')).data.toString()).toBe(`copied ${fencingToken}`);
    expect(await ours.contenderNodes()).toEqual([]);
  }, 240_000);

  it('leader-latch: the copy follows the library latch, and leads once it closes', async () => {
    const project = await builtProject(
      'leader-latch',
      `import { ZooKeeperClient } from './zookeeper/client/index.js';
import { LeaderLatch } from './zookeeper/recipes/leader/leader-latch.js';

const [connectString, latchPath] = process.argv.slice(2) as [string, string];
const client = await ZooKeeperClient.connect(connectString);
try {
  const latch = new LeaderLatch(client, latchPath, { id: 'copied-latch' });
  await latch.start();
  const lease = await latch.waitForLeadership({ timeoutMs: 60_000 });
  const leader = await latch.leader();
  console.log(JSON.stringify({ leader: leader?.id, fencingToken: String(lease.fencingToken) }));
  await latch.close();
} finally {
  await client.close();
}
`,
    );
    const client = await zk.connect();
    const ours = new LeaderLatch(client, '/add-latch', { id: 'library-latch' });
    await ours.start();
    const leadership = await ours.waitForLeadership({ timeoutMs: 10_000 });
    const script = startScript(project, [zk.connectString, '/add-latch']);
    await eventually(
      async () =>
        expect((await ours.participants()).map((participant) => participant.id)).toEqual([
          'library-latch',
          'copied-latch',
        ]),
      { timeoutMs: 20_000 },
    );
    expect(ours.hasLeadership).toBe(true);
    await ours.close();
    const result = JSON.parse(await finished(script)) as { leader: string; fencingToken: string };
    expect(result.leader).toBe('copied-latch');
    expect(BigInt(result.fencingToken)).toBeGreaterThan(leadership.fencingToken);
  }, 240_000);

  it('service-discovery: the copy registers an instance the library discovers, and discovers the library’s', async () => {
    const project = await builtProject(
      'service-discovery',
      `import { ZooKeeperClient } from './zookeeper/client/index.js';
import { ServiceDiscovery } from './zookeeper/recipes/discovery/service-discovery.js';

const [connectString, basePath] = process.argv.slice(2) as [string, string];
const client = await ZooKeeperClient.connect(connectString);
try {
  const discovery = new ServiceDiscovery(client, basePath);
  const me = await discovery.registerService({ name: 'inventory', id: 'copied-1', address: '127.0.0.1', port: 7001 });
  const seen = (await discovery.queryForInstances('inventory')).map((instance) => instance.id).sort();
  console.log(JSON.stringify({ registered: me.id, seen }));
  // Stay registered until the test has looked.
  await new Promise((resolve) => process.stdin.once('data', resolve));
  await discovery.close();
} finally {
  await client.close();
}
`,
    );
    const client = await zk.connect();
    const ours = new ServiceDiscovery(client, '/add-services');
    await ours.registerService({ name: 'inventory', id: 'library-1', address: '127.0.0.1', port: 7000 });
    const script = startScript(project, [zk.connectString, '/add-services']);
    await eventually(() => expect(script.stdout).toContain('\n'), { timeoutMs: 30_000 });
    expect(JSON.parse(script.stdout)).toEqual({ registered: 'copied-1', seen: ['copied-1', 'library-1'] });
    await client.sync('/add-services/inventory');
    const copied = await ours.queryForInstance('inventory', 'copied-1');
    expect(copied).toMatchObject({ name: 'inventory', id: 'copied-1', address: '127.0.0.1', port: 7001 });
    script.child.stdin.end('done\n');
    await finished(script);
    await client.sync('/add-services/inventory');
    expect((await ours.queryForInstances('inventory')).map((instance) => instance.id)).toEqual(['library-1']);
    await ours.close();
  }, 240_000);
});
