/**
 * The processes that run the recipes being measured: a Node peer for ours
 * (shared/interop/node/node-peer.ts) and a CuratorPeer JVM for Curator's
 * (shared/interop/curator/CuratorPeer.java), both driven with the same JSON-line protocol. Every run
 * starts fresh ones and closes them afterwards, so no run inherits another's JIT, heap or sessions.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { curatorClasspath } from '../../shared/test-support/interop/curator-peer.ts';
import { JsonLinePeer } from '../../shared/test-support/interop/json-line-peer.ts';
import type { TimeWindow } from '../lib/cpu-profile.ts';
import { BenchError } from '../lib/errors.ts';
import { compileJava, javaVersion, type JavaToolchain } from '../lib/java.ts';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { compileTypeScript } from '../lib/typescript-build.ts';
import type { SuiteOptions } from '../suite.ts';
import type { Side } from './summary.ts';

const NODE_PEER = 'shared/interop/node/node-peer.ts';
const NODE_PEER_DIRECTORY = 'shared/interop/node';
const CURATOR_PEER_DIRECTORY = 'shared/interop/curator';
const REGISTER_COMPILED_IMPORTS = 'bench/recipes/register-compiled-imports.ts';
const COMPILED_IMPORTS = 'bench/recipes/compiled-imports.ts';
/** a JVM and its Curator jars take a while to start on a busy machine */
const READY_TIMEOUT_MS = 120_000;

interface PeerCommand {
  command: string;
  args: string[];
}

/** Starts peers of either side; prepared (compiled) once per suite run. */
export class RecipePeers {
  private started = 0;
  /**
   * Where our peers were asked to write CPU profiles, with the label of the run that started them and
   * the windows (hrtime µs) of their timed commands
   */
  readonly profiles: { label: string; directory: string; timedWindows: TimeWindow[] }[] = [];

  private constructor(
    private readonly tsCommand: (profileDirectory: string | undefined) => PeerCommand,
    private readonly curatorCommand: PeerCommand,
    private readonly cpuProfileDirectory: string | undefined,
    /** "17.0.15+6-Debian-1deb12u1 OpenJDK 64-Bit Server VM" */
    readonly javaVersion: string,
    /** "5.4.0", from the jar's file name */
    readonly curatorVersion: string,
  ) {}

  /**
   * Compiles both peers: the Java sources into .tmp/bench/classes/recipes, and (unless --tsx) our
   * peer with everything it imports the way `npm run build` compiles, into .tmp/bench/js/recipes.
   */
  static async prepare(options: SuiteOptions, toolchain: JavaToolchain): Promise<RecipePeers> {
    let classpath: string[];
    try {
      classpath = curatorClasspath().split(delimiter);
    } catch (error) {
      throw new BenchError(
        `${(error as Error).message} (the recipes suite runs Curator 5.4.0, e.g. \`bash scripts/ensure-deps.sh bench\`)`,
      );
    }
    const javaSources = readdirSync(join(REPOSITORY_ROOT, CURATOR_PEER_DIRECTORY))
      .filter((file) => file.endsWith('.java'))
      .sort()
      .map((file) => `${CURATOR_PEER_DIRECTORY}/${file}`);
    const classes = await compileJava({ toolchain, sources: javaSources, classpath, name: 'recipes' });
    // Curator's JVM as a service runs it: default collector, full JIT tiers (the tests' peers stop
    // at C1 to start faster).
    const curatorCommand = {
      command: toolchain.java,
      args: ['-cp', [classes, ...classpath].join(delimiter), 'CuratorPeer'],
    };

    // One directory per peer: Node writes a profile per thread (the module hooks run in a thread of
    // their own), named CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile; the main thread's is thread 0.
    const profileArgs = (profileDirectory: string | undefined): string[] =>
      profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [];
    let tsCommand: (profileDirectory: string | undefined) => PeerCommand;
    if (options.typescript === 'tsx') {
      tsCommand = (profileDirectory) => ({
        command: process.execPath,
        args: ['--import', 'tsx', ...profileArgs(profileDirectory), join(REPOSITORY_ROOT, NODE_PEER)],
      });
    } else {
      // node-peer.ts loads its command families by a computed `.ts` name: compile them all, and let
      // the compiled-imports hook send those imports to the compiled files.
      const families = readdirSync(join(REPOSITORY_ROOT, NODE_PEER_DIRECTORY))
        .filter((file) => /^commands-.+\.ts$/.test(file) && !file.endsWith('.test.ts'))
        .map((file) => `${NODE_PEER_DIRECTORY}/${file}`);
      const compiled = compileTypeScript(
        [NODE_PEER, ...families, REGISTER_COMPILED_IMPORTS, COMPILED_IMPORTS],
        'recipes',
      );
      tsCommand = (profileDirectory) => ({
        command: process.execPath,
        args: [
          '--import',
          compiled(REGISTER_COMPILED_IMPORTS),
          ...profileArgs(profileDirectory),
          compiled(NODE_PEER),
        ],
      });
    }
    return new RecipePeers(
      tsCommand,
      curatorCommand,
      options.cpuProfileDirectory,
      await javaVersion(toolchain),
      curatorVersion(classpath),
    );
  }

  /**
   * A fresh peer process. `label` ("lock-r1") names it in messages and, with --profile, names the
   * directory of a TypeScript peer's CPU profiles: <directory>/recipes-<label>-<n>/.
   */
  async start(side: Side, label: string): Promise<RecipePeer> {
    const serial = ++this.started;
    const profileDirectory = this.cpuProfileDirectory
      ? join(this.cpuProfileDirectory, `recipes-${label}-${serial}`)
      : undefined;
    const { command, args } = side === 'ts' ? this.tsCommand(profileDirectory) : this.curatorCommand;
    const timedWindows: TimeWindow[] = [];
    if (side === 'ts' && profileDirectory) {
      this.profiles.push({ label, directory: profileDirectory, timedWindows });
    }
    const peer = await JsonLinePeer.start(`${side} ${label}`, command, args, {
      readyTimeoutMs: READY_TIMEOUT_MS,
    }).catch((error: unknown) => {
      throw new BenchError(`cannot start the ${side} peer for ${label}: ${(error as Error).message}`);
    });
    return new RecipePeer(side, peer, timedWindows);
  }
}

/** One peer process of either side. */
export class RecipePeer {
  constructor(
    readonly side: Side,
    private readonly peer: JsonLinePeer,
    /** where measureCpu notes when its timed commands ran, for the CPU profile's summary */
    private readonly timedWindows: TimeWindow[] = [],
  ) {}

  get name(): string {
    return this.peer.name;
  }

  /** Opens a named ZooKeeper session in the peer (a CuratorFramework on the Curator side). */
  async openClient(name: string, connect: string, sessionTimeoutMs: number): Promise<void> {
    await this.call('client.open', { client: name, connect, sessionTimeoutMs, connectionTimeoutMs: 30_000 });
  }

  call<T>(op: string, args: Record<string, unknown>, options: { actor?: string; timeoutMs?: number } = {}) {
    return this.peer.call<T>(op, args, { timeoutMs: 300_000, ...options }).catch((error: unknown) => {
      throw new BenchError(`${this.peer.name}: ${op} failed: ${(error as Error).message}`);
    });
  }

  /**
   * Runs `body` (the timed commands of this peer) and returns what it returned with the CPU time the
   * peer's process used meanwhile (undefined where /proc is unavailable). With --profile, the time
   * it ran is what the summary of the peer's CPU profile covers.
   */
  async measureCpu<T>(body: () => Promise<T>): Promise<{ result: T; cpuMs: number | undefined }> {
    const fromUs = monotonicMicros();
    const before = processCpuMs(this.peer.pid);
    const result = await body();
    const after = processCpuMs(this.peer.pid);
    this.timedWindows.push({ fromUs, toUs: monotonicMicros() });
    return { result, cpuMs: before === undefined || after === undefined ? undefined : after - before };
  }

  waitForEvent(name: string, match: (data: Record<string, unknown>) => boolean, timeoutMs: number) {
    return this.peer.waitForEvent(name, match, timeoutMs);
  }

  /** SIGKILL: to ZooKeeper, a participant that crashed (its session lives until it times out). */
  kill(): void {
    this.peer.kill();
  }

  /** Ends stdin: the peer closes its sessions and exits (writing its CPU profile, if asked to). */
  close(): Promise<void> {
    return this.peer.close();
  }
}

/**
 * "5.4.0": Debian installs curator-recipes.jar with a versioned link to it beside it
 * (curator-recipes-5.4.0.jar); an Apache download is itself the versioned file.
 */
function curatorVersion(classpath: readonly string[]): string {
  const recipes = classpath.find((jar) => basename(jar).startsWith('curator-recipes'));
  if (!recipes) return 'unknown';
  try {
    const target = realpathSync(recipes);
    const versioned = [
      recipes,
      ...readdirSync(dirname(recipes)).map((file) => join(dirname(recipes), file)),
    ].find((jar) => /^curator-recipes-\d.*\.jar$/.test(basename(jar)) && realpathSync(jar) === target);
    return versioned ? /^curator-recipes-(.+)\.jar$/.exec(basename(versioned))![1]! : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The clock V8 stamps profile samples with (see TimeWindow). */
function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The main thread's profile among those Node wrote into `directory` (see RecipePeers.prepare). */
export function mainThreadProfile(directory: string): string | undefined {
  if (!existsSync(directory)) return undefined;
  const file = readdirSync(directory).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  return file === undefined ? undefined : join(directory, file);
}
