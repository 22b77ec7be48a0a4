import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PatternError, loadPattern } from './pattern-manifest.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** An examples/ folder holding one pattern, `demo`, with this manifest and an entry file. */
function examplesWith(manifest: unknown): string {
  const examples = mkdtempSync(join(tmpdir(), 'zk-cookbook-manifest-'));
  directories.push(examples);
  mkdirSync(join(examples, 'demo', 'src'), { recursive: true });
  writeFileSync(join(examples, 'demo', 'src', 'main.ts'), '');
  writeFileSync(
    join(examples, 'demo', 'package.json'),
    JSON.stringify({ name: 'demo', zkCookbook: manifest }),
  );
  return examples;
}

const services = [{ name: 'inspector', entry: 'src/main.ts' }];

describe('a manifest that asks for Kafka brokers', () => {
  it('has none unless it says so', () => {
    expect(loadPattern('demo', examplesWith({ title: 'Demo', services })).kafka).toBeUndefined();
  });

  it('gets three brokers under /kafka by default', () => {
    expect(loadPattern('demo', examplesWith({ title: 'Demo', kafka: {}, services })).kafka).toEqual({
      brokers: 3,
      chroot: '/kafka',
    });
    const custom = examplesWith({ title: 'Demo', kafka: { brokers: 1, chroot: '/clusters/a' }, services });
    expect(loadPattern('demo', custom).kafka).toEqual({ brokers: 1, chroot: '/clusters/a' });
  });

  it('refuses a broker count or chroot the launcher cannot use, naming the field', () => {
    const noBrokers = examplesWith({ title: 'Demo', kafka: { brokers: 0 }, services });
    expect(() => loadPattern('demo', noBrokers)).toThrow(PatternError);
    expect(() => loadPattern('demo', noBrokers)).toThrow(/kafka\.brokers/);
    const relative = examplesWith({ title: 'Demo', kafka: { chroot: 'kafka' }, services });
    expect(() => loadPattern('demo', relative)).toThrow(/kafka\.chroot: an absolute znode path/);
  });
});
