import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fetchCacheDirectory, findFetchedRelease } from '../../src/ensemble/index.ts';
import { JsonLinePeer } from './json-line-peer.ts';

const SOURCES = new URL('../../interop/curator/', import.meta.url).pathname;
const BUILD_ROOT = new URL('../../../.tmp/interop/curator/', import.meta.url).pathname;
const JAVA_LIB = '/usr/share/java';
/** Debian's Curator 5.4.0 and what it needs; the jars' manifests pull in ZooKeeper and Guava. */
const DEBIAN_JARS = [
  'curator-recipes.jar',
  'curator-framework.jar',
  'curator-client.jar',
  'curator-x-discovery.jar',
  'jackson-databind.jar',
  'jackson-core.jar',
  'jackson-annotations.jar',
  'zookeeper.jar',
  'slf4j-nop.jar',
];

export interface CuratorJars {
  /** "5.4.0" */
  readonly version: string;
  /** Where the jars came from, for messages and the test matrix's summary. */
  readonly description: string;
  readonly jars: readonly string[];
}

/**
 * The Curator the interop peers run, chosen by $ZK_COOKBOOK_CURATOR: "debian" (the default,
 * Debian's 5.4.0), "latest" (the newest scripts/fetch-maven.sh put in the cache) or a version
 * fetched there ("5.9.0"). A choice that is not there fails: the run asked for that version.
 */
export function selectCuratorJars(selection = process.env.ZK_COOKBOOK_CURATOR || 'debian'): CuratorJars {
  if (selection === 'debian') {
    const missing = DEBIAN_JARS.filter((jar) => !existsSync(join(JAVA_LIB, jar)));
    if (missing.length > 0) {
      throw new Error(
        `Curator interop needs ${missing.join(', ')} in ${JAVA_LIB}: apt-get install libcurator-recipes-java libcurator-discovery-java libslf4j-java zookeeper`,
      );
    }
    return {
      version: debianCuratorVersion(),
      description: `Debian's jars in ${JAVA_LIB}`,
      jars: DEBIAN_JARS.map((jar) => join(JAVA_LIB, jar)),
    };
  }
  const parent = join(fetchCacheDirectory(), 'maven');
  const fetched = findFetchedRelease(parent, 'curator-', selection);
  if (!fetched) {
    throw new Error(
      `ZK_COOKBOOK_CURATOR=${selection}: no fetched curator-* matching it in ${parent}; fetch it with \`scripts/fetch-maven.sh curator\``,
    );
  }
  const lib = join(fetched.directory, 'lib');
  return {
    version: fetched.version,
    description: `ZK_COOKBOOK_CURATOR=${selection}: ${lib}`,
    jars: readdirSync(lib)
      .filter((name) => name.endsWith('.jar'))
      .sort()
      .map((name) => join(lib, name)),
  };
}

// Debian keeps a versioned link (curator-recipes-5.4.0.jar) beside the jar it installs.
function debianCuratorVersion(): string {
  const linked = readdirSync(JAVA_LIB)
    .map((name) => /^curator-recipes-(\d[\w.]*)\.jar$/.exec(name)?.[1])
    .find((version) => version !== undefined);
  return linked ?? 'unknown';
}

export function curatorClasspath(): string {
  return selectCuratorJars().jars.join(delimiter);
}

/**
 * Compiles shared/interop/curator/*.java once per content (javac), into .tmp/interop/curator/<hash>.
 * Concurrent test files may race: each compiles into its own directory and renames it into place.
 */
export function compileCuratorPeer(): string {
  const files = readdirSync(SOURCES)
    .filter((name) => name.endsWith('.java'))
    .sort();
  const classpath = curatorClasspath();
  // Keyed by the classpath too: classes compiled against one Curator are not reused with another.
  const hash = createHash('sha1').update(classpath);
  for (const file of files) hash.update(file).update(readFileSync(join(SOURCES, file)));
  const target = join(BUILD_ROOT, hash.digest('hex').slice(0, 12));
  if (existsSync(target)) return target;
  const scratch = `${target}.${process.pid}.${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  try {
    execFileSync(
      'javac',
      ['-nowarn', '-d', scratch, '-cp', classpath, ...files.map((file) => join(SOURCES, file))],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      renameSync(scratch, target);
    } catch {
      // Another process finished first; its classes are the same.
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

/**
 * A JVM running real Apache Curator recipes (see shared/interop/curator/CuratorPeer.java): Debian's
 * 5.4.0, or the one ZK_COOKBOOK_CURATOR names (see selectCuratorJars).
 */
export async function startCuratorPeer(): Promise<JsonLinePeer> {
  const classes = compileCuratorPeer();
  return JsonLinePeer.start('curator', 'java', [
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xss512k',
    '-cp',
    `${classes}${delimiter}${curatorClasspath()}`,
    'CuratorPeer',
  ]);
}
