import { formatTable } from '../../shared/src/cli/table.ts';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that say where time went. */
export interface CpuProfile {
  nodes: readonly CpuProfileNode[];
  startTime: number;
  endTime: number;
  /** the node on top of the stack, per sample */
  samples: readonly number[];
  /** µs from the previous sample (the first: from startTime) */
  timeDeltas: readonly number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: readonly number[];
}

export interface FunctionTime {
  /** "shared/src/recipes/locks/mutex.ts:acquireNow", "(garbage collector)" */
  name: string;
  /** ms with this function on top of the stack */
  selfMs: number;
  /** ms with this function anywhere on the stack (recursion counted once) */
  totalMs: number;
}

export interface ProfileSummary {
  /** the time the samples counted stand for: from the first to the end, or within the windows */
  profiledMs: number;
  /** "(idle)": the event loop waited for I/O */
  idleMs: number;
  /** sorted by self time, idle and the root left out */
  functions: FunctionTime[];
  /** self time per file (or per "(garbage collector)", "(program)"), sorted */
  files: { file: string; selfMs: number }[];
}

/** Frames that are no function of the program: time spent outside JavaScript. */
const IDLE = '(idle)';
const ROOT = '(root)';

/**
 * A stretch of time in µs of the profile's clock. V8 stamps samples with the monotonic clock that
 * `process.hrtime()` reads (CLOCK_MONOTONIC on Linux), the same in every process of the machine, so
 * a parent can tell which part of a child's profile was its timed part.
 */
export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

export interface SummaryOptions {
  /** turns a script URL into something to show, e.g. the source file a compiled one came from */
  fileName?: (url: string) => string;
  /** count only samples taken within these windows (default: all of them) */
  windows?: readonly TimeWindow[];
}

/** Where a CPU profile's time went, function by function and file by file. */
export function summariseCpuProfile(profile: CpuProfile, options: SummaryOptions = {}): ProfileSummary {
  const fileName = options.fileName ?? ((url: string) => url);
  const windows = options.windows;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const label = (node: CpuProfileNode): { name: string; file: string } => {
    const { functionName, url } = node.callFrame;
    if (!url) return { name: functionName || '(anonymous)', file: functionName || '(anonymous)' };
    const file = fileName(url);
    return { name: `${file}:${functionName || '(anonymous)'}`, file };
  };

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let idleUs = 0;
  let profiledUs = 0;
  const add = (map: Map<string, number>, key: string, us: number): void => {
    map.set(key, (map.get(key) ?? 0) + us);
  };
  let sampledAt = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    sampledAt += profile.timeDeltas[index] ?? 0;
    if (windows && !windows.some((window) => sampledAt >= window.fromUs && sampledAt <= window.toUs))
      continue;
    const us = sampleDurationUs(profile, index);
    profiledUs += us;
    const top = nodes.get(profile.samples[index]!);
    if (!top) continue;
    const { name, file } = label(top);
    if (name === IDLE) {
      idleUs += us;
      continue;
    }
    add(self, name, us);
    add(files, file, us);
    const onStack = new Set<string>();
    for (let id: number | undefined = top.id; id !== undefined; id = parents.get(id)) {
      const node = nodes.get(id);
      if (node) onStack.add(label(node).name);
    }
    for (const key of onStack) add(total, key, us);
  }
  const ms = (us: number): number => us / 1000;
  return {
    profiledMs: ms(profiledUs),
    idleMs: ms(idleUs),
    functions: [...self.entries()]
      .filter(([name]) => name !== ROOT)
      .map(([name, selfUs]) => ({ name, selfMs: ms(selfUs), totalMs: ms(total.get(name) ?? selfUs) }))
      .sort((a, b) => b.selfMs - a.selfMs),
    files: [...files.entries()]
      .map(([file, selfUs]) => ({ file, selfMs: ms(selfUs) }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

/**
 * How long sample `index` stood for: until the next sample (DevTools' reading of timeDeltas), the last
 * one until the profile's end.
 */
function sampleDurationUs(profile: CpuProfile, index: number): number {
  const next = profile.timeDeltas[index + 1];
  if (next !== undefined) return Math.max(0, next);
  const elapsedToLast = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  return Math.max(0, profile.endTime - profile.startTime - elapsedToLast);
}

/** Self times of several profiles of one kind of run, added up. */
export function mergeSummaries(summaries: readonly ProfileSummary[]): ProfileSummary {
  const functions = new Map<string, FunctionTime>();
  const files = new Map<string, number>();
  for (const summary of summaries) {
    for (const fn of summary.functions) {
      const known = functions.get(fn.name) ?? { name: fn.name, selfMs: 0, totalMs: 0 };
      known.selfMs += fn.selfMs;
      known.totalMs += fn.totalMs;
      functions.set(fn.name, known);
    }
    for (const file of summary.files) files.set(file.file, (files.get(file.file) ?? 0) + file.selfMs);
  }
  return {
    profiledMs: summaries.reduce((sum, summary) => sum + summary.profiledMs, 0),
    idleMs: summaries.reduce((sum, summary) => sum + summary.idleMs, 0),
    functions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs),
    files: [...files.entries()]
      .map(([file, selfMs]) => ({ file, selfMs }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

/**
 *   busy 1234 ms of 5000 ms profiled (idle 3766 ms)
 *   FUNCTION                                     SELF MS  SELF %  TOTAL MS
 *   shared/src/client/connection.ts:onData       120      9.7     400
 */
export function formatProfileSummary(summary: ProfileSummary, top = 12): string {
  const busyMs = summary.profiledMs - summary.idleMs;
  const percent = (value: number): string => (busyMs > 0 ? ((100 * value) / busyMs).toFixed(1) : '—');
  const functions = formatTable(
    ['function', 'self ms', 'self %', 'total ms'],
    summary.functions
      .slice(0, top)
      .map((fn) => [fn.name, fn.selfMs.toFixed(0), percent(fn.selfMs), fn.totalMs.toFixed(0)]),
  );
  const files = formatTable(
    ['file', 'self ms', 'self %'],
    summary.files.slice(0, top).map((file) => [file.file, file.selfMs.toFixed(0), percent(file.selfMs)]),
  );
  return [
    `busy ${busyMs.toFixed(0)} ms of ${summary.profiledMs.toFixed(0)} ms profiled (idle ${summary.idleMs.toFixed(0)} ms); ` +
      'percentages of busy time',
    functions,
    '',
    files,
  ].join('\n');
}

/**
 * A script URL as a reader knows it: relative to the repository, and for our compiled code
 * (.tmp/bench/js/<suite>/….js) the TypeScript source it came from. Node's own scripts stay as they are.
 */
export function sourceFileName(url: string, repositoryRoot: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const root = repositoryRoot.endsWith('/') ? repositoryRoot : `${repositoryRoot}/`;
  if (!path.startsWith(root)) return path;
  const relative = path.slice(root.length);
  const compiled = /^\.tmp\/bench\/js\/[^/]+\/(.+)\.js$/.exec(relative);
  return compiled ? `${compiled[1]}.ts` : relative;
}
