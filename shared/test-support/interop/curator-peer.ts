import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { JsonLinePeer } from './json-line-peer.ts';

const SOURCES = new URL('../../interop/curator/', import.meta.url).pathname;
const BUILD_ROOT = new URL('../../../.tmp/interop/curator/', import.meta.url).pathname;
const JAVA_LIB = '/usr/share/java';
/** Debian's Curator 5.4.0 and what it needs; the jars' manifests pull in ZooKeeper and Guava. */
const CLASSPATH_JARS = [
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

export function curatorClasspath(): string {
  const missing = CLASSPATH_JARS.filter((jar) => !existsSync(join(JAVA_LIB, jar)));
  if (missing.length > 0) {
    throw new Error(
      `Curator interop needs ${missing.join(', ')} in ${JAVA_LIB}: apt-get install libcurator-recipes-java libcurator-discovery-java libslf4j-java zookeeper`,
    );
  }
  return CLASSPATH_JARS.map((jar) => join(JAVA_LIB, jar)).join(':');
}

/**
 * Compiles shared/interop/curator/*.java once per content (javac), into .tmp/interop/curator/<hash>.
 * Concurrent test files may race: each compiles into its own directory and renames it into place.
 */
export function compileCuratorPeer(): string {
  const files = readdirSync(SOURCES)
    .filter((name) => name.endsWith('.java'))
    .sort();
  const hash = createHash('sha1');
  for (const file of files) hash.update(file).update(readFileSync(join(SOURCES, file)));
  const target = join(BUILD_ROOT, hash.digest('hex').slice(0, 12));
  if (existsSync(target)) return target;
  const scratch = `${target}.${process.pid}.${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  try {
    execFileSync(
      'javac',
      ['-nowarn', '-d', scratch, '-cp', curatorClasspath(), ...files.map((file) => join(SOURCES, file))],
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

/** A JVM running real Apache Curator 5.4.0 recipes (see shared/interop/curator/CuratorPeer.java). */
export async function startCuratorPeer(): Promise<JsonLinePeer> {
  const classes = compileCuratorPeer();
  return JsonLinePeer.start('curator', 'java', [
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xss512k',
    '-cp',
    `${classes}:${curatorClasspath()}`,
    'CuratorPeer',
  ]);
}
