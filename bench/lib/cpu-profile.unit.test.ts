import { describe, expect, it } from 'vitest';
import {
  formatProfileSummary,
  mergeSummaries,
  sourceFileName,
  summariseCpuProfile,
  type CpuProfile,
} from './cpu-profile.ts';

/**
 *   (root) 1
 *   ├─ (idle) 2
 *   ├─ main 3  (app.js)
 *   │  └─ encode 4  (codec.js)
 *   │     └─ encode 5  (codec.js, recursion)
 *   └─ (garbage collector) 6
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 6] },
    { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    { id: 3, callFrame: { functionName: 'main', url: 'file:///x/app.js', lineNumber: 0 }, children: [4] },
    { id: 4, callFrame: { functionName: 'encode', url: 'file:///x/codec.js', lineNumber: 9 }, children: [5] },
    { id: 5, callFrame: { functionName: 'encode', url: 'file:///x/codec.js', lineNumber: 9 } },
    { id: 6, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
  ],
  startTime: 0,
  endTime: 10_000,
  // sample i lasts timeDeltas[i + 1] µs; the last one until endTime
  samples: [2, 3, 4, 5, 6, 2],
  timeDeltas: [0, 1000, 2000, 3000, 500, 500],
};

describe('summariseCpuProfile', () => {
  const summary = summariseCpuProfile(profile, { fileName: (url) => url.replace('file:///x/', '') });

  it('attributes each sample until the next one, the last until the end', () => {
    expect(summary.profiledMs).toBe(10);
    expect(summary.idleMs).toBe(1 + 3);
  });

  it('gives self time per function, named file:function, idle left out', () => {
    expect(summary.functions).toEqual([
      { name: 'codec.js:encode', selfMs: 3 + 0.5, totalMs: 3.5 },
      { name: 'app.js:main', selfMs: 2, totalMs: 2 + 3.5 },
      { name: '(garbage collector)', selfMs: 0.5, totalMs: 0.5 },
    ]);
  });

  it('counts a recursive function once in its total time', () => {
    const encode = summary.functions.find((fn) => fn.name === 'codec.js:encode')!;
    expect(encode.totalMs).toBe(3.5);
  });

  it('adds self time up per file', () => {
    expect(summary.files).toEqual([
      { file: 'codec.js', selfMs: 3.5 },
      { file: 'app.js', selfMs: 2 },
      { file: '(garbage collector)', selfMs: 0.5 },
    ]);
  });
});

describe('summariseCpuProfile within time windows', () => {
  it('counts only the samples taken within them', () => {
    // samples are taken at 0, 1000, 3000, 6000, 6500 and 7000 µs
    const timed = summariseCpuProfile(profile, {
      fileName: (url) => url.replace('file:///x/', ''),
      windows: [{ fromUs: 2500, toUs: 6200 }],
    });
    expect(timed.profiledMs).toBe(3.5);
    expect(timed.functions).toEqual([{ name: 'codec.js:encode', selfMs: 3.5, totalMs: 3.5 }]);
  });
});

describe('mergeSummaries and formatProfileSummary', () => {
  it('adds the profiles of several runs and prints percentages of busy time', () => {
    const one = summariseCpuProfile(profile, { fileName: (url) => url.replace('file:///x/', '') });
    const merged = mergeSummaries([one, one]);
    expect(merged.profiledMs).toBe(20);
    expect(merged.functions[0]).toEqual({ name: 'codec.js:encode', selfMs: 7, totalMs: 7 });
    const text = formatProfileSummary(merged, 2);
    expect(text).toContain('busy 12 ms of 20 ms profiled (idle 8 ms)');
    expect(text).toMatch(/codec\.js:encode\s+7\s+58\.3\s+7/);
    expect(text).not.toContain('(garbage collector)  1');
  });
});

describe('sourceFileName', () => {
  it('names our compiled code by its TypeScript source, relative to the repository', () => {
    expect(
      sourceFileName(
        'file:///work/main/.tmp/bench/js/recipes/shared/src/recipes/locks/mutex.js',
        '/work/main/',
      ),
    ).toBe('shared/src/recipes/locks/mutex.ts');
  });

  it('keeps other files of the repository relative, and Node’s own scripts as they are', () => {
    expect(sourceFileName('file:///work/main/node_modules/tsx/dist/x.mjs', '/work/main')).toBe(
      'node_modules/tsx/dist/x.mjs',
    );
    expect(sourceFileName('node:internal/streams/readable', '/work/main/')).toBe(
      'node:internal/streams/readable',
    );
  });
});
