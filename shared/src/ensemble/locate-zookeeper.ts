import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ZooKeeperNotFoundError } from './errors.ts';

/** Debian's `zookeeper` package; its manifest Class-Path pulls in the other jars it needs. */
export const DEBIAN_ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** Debian's jar carries no slf4j binding; without one the server's log is silently dropped. */
export const DEBIAN_SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';

export interface ZooKeeperInstallation {
  /** Where it was found, for messages: "ZOOKEEPER_HOME=/opt/zookeeper" or the Debian jar path. */
  readonly description: string;
  readonly classpath: readonly string[];
}

export interface LocateZooKeeperOptions {
  /** An unpacked Apache release (lib/*.jar, conf/). Defaults to $ZOOKEEPER_HOME. */
  zooKeeperHome?: string | undefined;
  /** Debian's server jar; `false` ignores it (tests use this to simulate a machine without it). */
  debianJar?: string | false;
  slf4jBindingJar?: string;
}

export function locateZooKeeper(options: LocateZooKeeperOptions = {}): ZooKeeperInstallation {
  const looked: string[] = [];
  const home = options.zooKeeperHome ?? process.env.ZOOKEEPER_HOME;
  const bindingJar = options.slf4jBindingJar ?? DEBIAN_SLF4J_SIMPLE_JAR;

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
        classpath: [debianJar, ...(existsSync(bindingJar) ? [bindingJar] : [])],
      };
    }
    looked.push(`${debianJar}: missing (Debian package "zookeeper")`);
  }
  throw new ZooKeeperNotFoundError(looked);
}

// A release tarball keeps its jars in lib/ (3.5+) or beside bin/ (3.4) and its logging config in conf/.
function fromReleaseDirectory(home: string, bindingJar: string): ZooKeeperInstallation | undefined {
  const jars = [home, join(home, 'lib')].flatMap(jarsIn);
  const hasServer = jars.some(
    (jar) => /(^|\/)zookeeper(-\d[^/]*)?\.jar$/.test(jar) && !/jute|test/.test(jar),
  );
  if (!hasServer) return undefined;

  // Releases ship logback (3.8+) or log4j bindings; only add ours when they ship none.
  const hasBinding = jars.some((jar) => /logback-classic|slf4j-(log4j12|reload4j|simple|jdk14)/.test(jar));
  const confDir = join(home, 'conf');
  return {
    description: `ZOOKEEPER_HOME=${home}`,
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
