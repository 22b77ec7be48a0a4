import { existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { JavaNotFoundError, locateJava, locateZooKeeper } from '../../shared/src/ensemble/index.ts';
import { runChild, type ChildCommand } from './child-process.ts';
import { BenchError } from './errors.ts';
import { REPOSITORY_ROOT } from './node-child.ts';

/** Debian's binding that discards the client's log lines, so they neither cost time nor mix with results. */
const SLF4J_NOP_JAR = '/usr/share/java/slf4j-nop.jar';

/** Where Java programs of the benchmarks are compiled to: under the git-ignored .tmp/. */
export const CLASSES_ROOT = join(REPOSITORY_ROOT, '.tmp', 'bench', 'classes');

export interface JavaToolchain {
  java: string;
  javac: string;
}

/**
 * `java` as the ensemble launcher finds it ($JAVA_HOME, then PATH) and the `javac` beside it. Only
 * there: a javac of another JDK on PATH may target a newer class-file version than this java runs.
 */
export function locateJavaToolchain(): JavaToolchain {
  let java: string;
  try {
    java = locateJava();
  } catch (error) {
    if (!(error instanceof JavaNotFoundError)) throw error;
    throw new BenchError(
      `java not found (looked in ${error.looked.join(', ')}): the benchmarks run the Java reference ` +
        'clients, even against ZK_CONNECT. Install a JDK with `apt-get install default-jdk-headless`, or set JAVA_HOME to one.',
    );
  }
  const javac = join(dirname(realpathSync(java)), 'javac');
  if (!existsSync(javac)) {
    throw new BenchError(
      `javac not found beside ${realpathSync(java)}: the benchmarks compile a Java program. ` +
        'Install the JDK of that runtime (e.g. `apt-get install default-jdk-headless`), or set JAVA_HOME to a JDK.',
    );
  }
  return { java, javac };
}

/**
 * The official ZooKeeper client's jars: Debian's zookeeper.jar (its manifest Class-Path brings the
 * dependencies) or an Apache release under $ZOOKEEPER_HOME.
 */
export function zooKeeperClientClasspath(): string[] {
  return [...locateZooKeeper({ slf4jBindingJar: SLF4J_NOP_JAR }).classpath];
}

/** Compiles sources into a fresh directory (under CLASSES_ROOT) and returns it. */
export async function compileJava(options: {
  toolchain: JavaToolchain;
  sources: readonly string[];
  classpath: readonly string[];
  /** a directory name under CLASSES_ROOT, one per suite */
  name: string;
}): Promise<string> {
  const outputDirectory = join(CLASSES_ROOT, options.name);
  rmSync(outputDirectory, { recursive: true, force: true });
  mkdirSync(outputDirectory, { recursive: true });
  // -implicit:none: javac would otherwise compile sources it finds inside the jars into our directory.
  await runChild({
    command: options.toolchain.javac,
    args: [
      '-implicit:none',
      '-d',
      outputDirectory,
      '-cp',
      options.classpath.join(delimiter),
      ...options.sources,
    ],
    label: `javac ${options.sources.join(' ')}`,
    cwd: REPOSITORY_ROOT,
    timeoutMs: 120_000,
  });
  return outputDirectory;
}

export function javaProgram(options: {
  toolchain: JavaToolchain;
  classpath: readonly string[];
  mainClass: string;
  args: readonly string[];
  label: string;
  timeoutMs: number;
}): ChildCommand {
  return {
    command: options.toolchain.java,
    args: ['-cp', options.classpath.join(delimiter), options.mainClass, ...options.args],
    label: options.label,
    cwd: REPOSITORY_ROOT,
    timeoutMs: options.timeoutMs,
  };
}

/** "17.0.15", from the runtime itself. */
export async function javaVersion(toolchain: JavaToolchain): Promise<string> {
  const { stderr } = await runChild({
    command: toolchain.java,
    args: ['-XshowSettings:properties', '-version'],
    label: 'java -version',
    timeoutMs: 30_000,
  });
  const runtime = /java\.runtime\.version = (.+)/.exec(stderr)?.[1];
  const vendor = /java\.vm\.name = (.+)/.exec(stderr)?.[1];
  return [runtime, vendor].filter(Boolean).join(' ') || stderr.split('\n')[0] || 'unknown';
}
