import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PatternError } from '../patterns/pattern-manifest.ts';
import { everythingTarget, listComposePatterns, resolveComposeTarget } from './compose-target.ts';
import { validationTargets } from './compose-validation.ts';

const scratch: string[] = [];
afterEach(() =>
  scratch.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true })),
);

/** A repository with the ensemble file and the given examples (true: it has a compose.yml). */
function repository(examples: Record<string, boolean>): string {
  const root = mkdtempSync(join(tmpdir(), 'compose-target-'));
  scratch.push(root);
  mkdirSync(join(root, 'compose'));
  writeFileSync(join(root, 'compose/zookeeper.yml'), 'services: {}\n');
  for (const [name, withCompose] of Object.entries(examples)) {
    mkdirSync(join(root, 'examples', name), { recursive: true });
    writeFileSync(join(root, 'examples', name, 'package.json'), '{}');
    if (withCompose) writeFileSync(join(root, 'examples', name, 'compose.yml'), 'services: {}\n');
  }
  return root;
}

describe('compose targets', () => {
  it('layers a pattern on the shared ensemble, as compose/up does', () => {
    const root = repository({ 'distributed-lock': true });
    expect(resolveComposeTarget('distributed-lock', root)).toEqual({
      name: 'distributed-lock',
      kind: 'pattern',
      files: ['compose/zookeeper.yml', 'examples/distributed-lock/compose.yml'],
      profiles: [],
    });
    expect(resolveComposeTarget(undefined, root).files).toEqual(['compose/zookeeper.yml']);
    expect(resolveComposeTarget('monitoring', root)).toMatchObject({
      files: ['compose/zookeeper.yml'],
      profiles: ['monitoring'],
    });
  });

  it('finds every examples/*/compose.yml by listing, so a new pattern is validated the day it lands', () => {
    const root = repository({ 'config-center': true, configurator: true, 'no-compose-yet': false });
    expect(listComposePatterns(root)).toEqual(['config-center', 'configurator']);
    expect(validationTargets(root).map((target) => target.files.at(-1))).toEqual([
      'compose/zookeeper.yml',
      'compose/zookeeper.yml',
      'compose/pattern.example.yml',
      'examples/config-center/compose.yml',
      'examples/configurator/compose.yml',
    ]);
    expect(everythingTarget(root).files).toEqual([
      'compose/zookeeper.yml',
      'examples/config-center/compose.yml',
      'examples/configurator/compose.yml',
    ]);
  });

  it('names the known targets for an unknown pattern, and says when a pattern runs only without Docker', () => {
    const root = repository({ 'config-center': true, configurator: false });
    expect(() => resolveComposeTarget('nope', root)).toThrow(PatternError);
    expect(() => resolveComposeTarget('nope', root)).toThrow(
      'unknown pattern "nope". Known: config-center, monitoring (or nothing, for the ensemble alone).',
    );
    expect(() => resolveComposeTarget('configurator', root)).toThrow(
      'examples/configurator has no compose.yml (npx zk-cookbook run configurator runs it without Docker)',
    );
    expect(() => resolveComposeTarget('../compose', root)).toThrow('unknown pattern "../compose"');
  });

  it('says a clone is needed where there are no compose files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'compose-target-'));
    scratch.push(empty);
    expect(() => resolveComposeTarget('config-center', empty)).toThrow('needs a clone of zk-cookbook');
  });
});
