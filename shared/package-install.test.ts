import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useZooKeeper } from './test-support/index.ts';

/**
 * The library as a stranger gets it: `npm pack`, install the tarball into an empty project outside the
 * repository, then use it from plain `node` (no tsx, no source condition) and typecheck against it
 * with the two module resolutions people use. What passes here is what a publish would ship.
 */
const run = promisify(execFile);
const packageDirectory = fileURLToPath(new URL('.', import.meta.url));
const repositoryTypes = fileURLToPath(new URL('../node_modules/@types', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const zk = useZooKeeper('package-install');

let project = '';
let tarballFiles: string[] = [];

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'zk-cookbook-consumer-'));
  // prepack builds dist/ first, exactly as `npm publish` would.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], {
    cwd: packageDirectory,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!packed) throw new Error(`npm pack printed no result: ${stdout}`);
  tarballFiles = packed.files.map((file) => file.path);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', join(project, packed.filename)],
    { cwd: project, maxBuffer: 64 * 1024 * 1024 },
  );
}, 240_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed library', () => {
  it('ships the build, the sources for its maps, and no tests or test support', () => {
    expect(tarballFiles).toContain('dist/recipes/locks/mutex.js');
    expect(tarballFiles).toContain('dist/recipes/locks/mutex.d.ts');
    expect(tarballFiles).toContain('dist/recipes/locks/mutex.d.ts.map');
    expect(tarballFiles).toContain('src/recipes/locks/mutex.ts');
    expect(tarballFiles).toContain('dist/monitor/public/index.html');
    expect(tarballFiles).toContain('LICENSE');
    expect(tarballFiles.filter((file) => /\.test\.|test-support|fixtures/.test(file))).toEqual([]);
  });

  it('imports nothing from vitest in any built file', async () => {
    const builtFiles = tarballFiles.filter((file) => file.endsWith('.js'));
    const offenders: string[] = [];
    for (const file of builtFiles) {
      const text = await readFile(join(project, 'node_modules/@zk-cookbook/core', file), 'utf8');
      if (/from ['"]vitest|import\(['"]vitest/.test(text)) offenders.push(file);
    }
    expect(builtFiles.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('runs under plain node: takes a Mutex, writes under its lease and reads back', async () => {
    await writeFile(
      join(project, 'use-mutex.mjs'),
      `import { ZooKeeperClient, ensurePath } from '@zk-cookbook/core/client';
import { Mutex } from '@zk-cookbook/core/recipes/locks';

const zk = await ZooKeeperClient.connect(process.argv[2]);
await ensurePath(zk, '/invoices/next');
const lease = await new Mutex(zk, '/locks/invoices').acquire({ timeoutMs: 10000 });
let written;
try {
  written = 'invoice-' + lease.fencingToken;
  await zk.setData('/invoices/next', written, { signal: lease.signal });
} finally {
  await lease.release();
}
const { data } = await zk.getData('/invoices/next');
await zk.close();
console.log(JSON.stringify({ written, read: data ? data.toString() : null }));
`,
    );
    const { stdout } = await run(process.execPath, ['use-mutex.mjs', zk.connectString], {
      cwd: project,
      timeout: 60_000,
    });
    const result = JSON.parse(stdout) as { written: string; read: string };
    expect(result.written).toMatch(/^invoice-\d+$/);
    expect(result.read).toBe(result.written);

    const reader = await zk.connect();
    await reader.sync('/invoices/next');
    expect((await reader.getData('/invoices/next')).data?.toString()).toBe(result.written);
  });

  it('keeps test support out of reach of an installed package', async () => {
    const attempt = run(
      process.execPath,
      ['--input-type=module', '-e', "await import('@zk-cookbook/core/testing')"],
      {
        cwd: project,
      },
    );
    await expect(attempt).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it.each(['node16', 'bundler'] as const)(
    'typechecks a TypeScript consumer with moduleResolution %s',
    async (moduleResolution) => {
      await writeFile(
        join(project, 'consumer.ts'),
        `import { ZooKeeperClient, type Stat } from '@zk-cookbook/core/client';
import { LeaderLatch, Mutex, type Lease } from '@zk-cookbook/core/recipes';
import { ServiceDiscovery } from '@zk-cookbook/core/recipes/discovery';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { createApp } from '@zk-cookbook/core/http';

export async function use(connectString: string): Promise<Stat | null> {
  const zk: ZooKeeperClient = await ZooKeeperClient.connect(connectString);
  const lease: Lease = await new Mutex(zk, '/locks/a').acquire({ timeoutMs: 1000 });
  const token: bigint = lease.fencingToken;
  void token;
  void LeaderLatch;
  void ServiceDiscovery;
  void LocalEnsemble;
  void createApp;
  await lease.release();
  return zk.exists('/a');
}
`,
      );
      const module = moduleResolution === 'node16' ? 'node16' : 'esnext';
      const typecheck = run(
        process.execPath,
        [
          tsc,
          '--noEmit',
          '--strict',
          '--target',
          'es2022',
          '--module',
          module,
          '--moduleResolution',
          moduleResolution,
          '--types',
          'node',
          '--typeRoots',
          repositoryTypes,
          'consumer.ts',
        ],
        { cwd: project },
      );
      await expect(typecheck.then(() => 'clean')).resolves.toBe('clean');
    },
    60_000,
  );

  it('lists only the exports it declares', async () => {
    const manifest = JSON.parse(
      await readFile(join(project, 'node_modules/@zk-cookbook/core/package.json'), 'utf8'),
    ) as { exports: Record<string, unknown> };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string' || subpath === './testing') continue;
      const built = (target as { default: string }).default;
      const directory = join(project, 'node_modules/@zk-cookbook/core', built, '..');
      expect(await readdir(directory), `${subpath} → ${built}`).toContain(built.split('/').pop());
    }
  });
});
