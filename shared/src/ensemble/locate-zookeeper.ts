import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ZooKeeperNotFoundError } from './errors.ts';
import { fetchCacheDirectory, findFetchedRelease } from './fetched-releases.ts';

/** Debian's `zookeeper` package; its manifest Class-Path pulls in the other jars it needs. */
export const DEBIAN_ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** Debian's jar carries no slf4j binding; without one the server's log is silently dropped. */
export const DEBIAN_SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';

export interface ZooKeeperInstallation {
  /** Where it was found, for messages: "ZOOKEEPER_HOME=/opt/zookeeper" or the Debian jar path. */
  readonly description: string;
  /** From the server jar's name ("3.9.5"); undefined when the name carries none. */
  readonly version: string | undefined;
  readonly classpath: readonly string[];
}

export interface LocateZooKeeperOptions {
  /** An unpacked Apache release (lib/*.jar, conf/). Defaults to $ZOOKEEPER_HOME. */
  zooKeeperHome?: string | undefined;
  /**
   * A release scripts/fetch-maven.sh put in the cache: "3.9.5", or "3.9" for the newest 3.9.x there.
   * Defaults to $ZK_COOKBOOK_ZOOKEEPER; "system" (or unset) means ZOOKEEPER_HOME, then Debian's. An
   * explicit `zooKeeperHome` wins over the environment's choice.
   */
  release?: string | undefined;
  /** Where the fetch scripts keep releases; defaults to fetchCacheDirectory(). */
  cacheDirectory?: string | undefined;
  /** Debian's server jar; `false` ignores it (tests use this to simulate a machine without it). */
  debianJar?: string | false;
  slf4jBindingJar?: string;
}

export function locateZooKeeper(options: LocateZooKeeperOptions = {}): ZooKeeperInstallation {
  const looked: string[] = [];
  const bindingJar = options.slf4jBindingJar ?? DEBIAN_SLF4J_SIMPLE_JAR;
  const release =
    options.release ?? (options.zooKeeperHome === undefined ? process.env.ZK_COOKBOOK_ZOOKEEPER : undefined);
  if (release && release !== 'system') return fetchedRelease(release, options.cacheDirectory, bindingJar);

  const home = options.zooKeeperHome ?? process.env.ZOOKEEPER_HOME;

  if (home) {
    const fromHome = fromReleaseDirectory(home, bindingJar);
    if (fromHome) return fromHome;
    looked.push(`ZOOKEEPER_HOME=${home}: no zookeeper-*.jar in ${join(home, 'lib')} or ${home}`);
  } else {
    looked.push('ZOOKEEPER_HOME: not set');
  }

  const debianJar = options.debianJar ?? DEBIAN_ZOOKEEPER_JAR;
  if (debianJar !== false) {
    if (existsSync(debianJar)) {
      return {
        description: debianJar,
        version: debianJarVersion(debianJar),
        classpath: [debianJar, ...(existsSync(bindingJar) ? [bindingJar] : [])],
      };
    }
    looked.push(`${debianJar}: missing (Debian package "zookeeper")`);
  }
  throw new ZooKeeperNotFoundError(looked);
}

// Fails rather than falling back: a test run that asked for 3.9 must not quietly run 3.8.
function fetchedRelease(
  release: string,
  cacheDirectory: string | undefined,
  bindingJar: string,
): ZooKeeperInstallation {
  const parent = join(cacheDirectory ?? fetchCacheDirectory(), 'maven');
  const fetched = findFetchedRelease(parent, 'zookeeper-', release);
  const installation = fetched && fromReleaseDirectory(fetched.directory, bindingJar);
  if (installation) {
    return { ...installation, description: `ZK_COOKBOOK_ZOOKEEPER=${release}: ${fetched.directory}` };
  }
  throw new ZooKeeperNotFoundError([
    `ZK_COOKBOOK_ZOOKEEPER=${release}: no fetched zookeeper-${release}* in ${parent} ` +
      `(fetch it with \`scripts/fetch-maven.sh zookeeper${/^\d+\.\d+\.\d+/.test(release) ? ` ${release}` : ''}\`)`,
  ]);
}

// Debian names the jar zookeeper.jar and keeps a zookeeper-<version>.jar link to it beside it.
function debianJarVersion(debianJar: string): string | undefined {
  try {
    const target = realpathSync(debianJar);
    const directory = dirname(debianJar);
    for (const name of readdirSync(directory)) {
      const match = /^zookeeper-(\d[\w.]*)\.jar$/.exec(name);
      if (match && realpathSync(join(directory, name)) === target) return match[1];
    }
  } catch {
    // An unreadable directory only costs the version in messages.
  }
  return undefined;
}

// A release tarball keeps its jars in lib/ (3.5+) or beside bin/ (3.4) and its logging config in conf/.
function fromReleaseDirectory(home: string, bindingJar: string): ZooKeeperInstallation | undefined {
  const jars = [home, join(home, 'lib')].flatMap(jarsIn);
  const serverJar = jars.find(
    (jar) => /(^|\/)zookeeper(-\d[^/]*)?\.jar$/.test(jar) && !/jute|test/.test(jar),
  );
  if (!serverJar) return undefined;

  // Releases ship logback (3.8+) or log4j bindings; only add ours when they ship none.
  const hasBinding = jars.some((jar) => /logback-classic|slf4j-(log4j12|reload4j|simple|jdk14)/.test(jar));
  const confDir = join(home, 'conf');
  return {
    description: `ZOOKEEPER_HOME=${home}`,
    version: /^zookeeper-(\d[\w.]*)\.jar$/.exec(basename(serverJar))?.[1],
    classpath: [
      ...(isDirectory(confDir) ? [confDir] : []),
      ...jars,
      ...(!hasBinding && existsSync(bindingJar) ? [bindingJar] : []),
    ],
  };
}

function jarsIn(directory: string): string[] {
  if (!isDirectory(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(directory, name));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
