import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { waitFor } from '../waiting.ts';
import type * as Starter from '../../exercises/02-config-watcher/starter.ts';
import type * as Solution from '../../solutions/02-config-watcher/config-watcher.ts';

/** What exercise 2's starter and solution export. */
export interface ConfigWatcherExercise {
  /**
   * Calls `onChange` with the node's current value (UTF-8; null while the node does not exist) now
   * and after every change, until the returned stop function is called.
   */
  watchConfig(
    client: ZooKeeperClient,
    path: string,
    onChange: (value: string | null) => void,
  ): Promise<() => void>;
}

export type StarterConforms = Conforms<typeof Starter, ConfigWatcherExercise>;
export type SolutionConforms = Conforms<typeof Solution, ConfigWatcherExercise>;

const CONFIG = '/config';
const DEADLINE_MS = 5_000;

export async function checkConfigWatcher(context: CheckContext): Promise<void> {
  let exercise: ConfigWatcherExercise | undefined;
  await context.check('the module exports watchConfig', async () => {
    exercise = await loadExerciseModule<ConfigWatcherExercise>(context.modulePath, ['watchConfig']);
  });
  if (!exercise) return;

  const writer = await context.connect();
  const reader = await context.connect();
  const seen: (string | null)[] = [];
  const latest = (): string | null | undefined => seen.at(-1);
  const waitForValue = (expected: string | null, hint: string): Promise<true> =>
    waitFor(() => (latest() === expected ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      hint: (lastSeen) => `${hint}\nonChange was called with: ${lastSeen}`,
      describe: () => JSON.stringify(seen),
    });
  let stop: (() => void) | undefined;

  await context.check('delivers the current value at once', async () => {
    await writer.create(CONFIG, 'v1');
    stop = await exercise!.watchConfig(reader, CONFIG, (value) => seen.push(value));
    await waitForValue('v1', `expected onChange("v1") right after watchConfig: read the node's data first`);
  });

  await context.check(
    'sees every later change (the one-shot watch is re-armed)',
    async () => {
      for (const value of ['v2', 'v3', 'v4']) {
        await writer.setData(CONFIG, value);
        await waitForValue(
          value,
          `set ${CONFIG} to "${value}" but onChange never got it. A ZooKeeper watch fires ONCE: ` +
            'when it fires, read the data again with a new watch, which both gets the value and re-arms.',
        );
      }
      return `${seen.length} calls for 4 values`;
    },
    { needs: ['delivers the current value at once'] },
  );

  await context.check(
    'follows the node through delete and re-create',
    async () => {
      await writer.delete(CONFIG);
      await waitForValue(
        null,
        `deleted ${CONFIG} but onChange(null) never came: a data watch also fires on NodeDeleted`,
      );
      await writer.create(CONFIG, 'v5');
      await waitForValue(
        'v5',
        `re-created ${CONFIG} with "v5" but onChange never got it. getData on a missing node sets no ` +
          'watch (it fails with NONODE): use exists(path, { watch }), which does watch for the creation.',
      );
    },
    { needs: ['sees every later change (the one-shot watch is re-armed)'] },
  );

  await context.check(
    'stop() ends the updates',
    async () => {
      stop?.();
      const before = seen.length;
      await writer.setData(CONFIG, 'after-stop');
      // The change is committed; give its notification one round trip to the reader's server to land.
      await reader.sync(CONFIG);
      await reader.getData(CONFIG);
      if (seen.length !== before) {
        throw new CheckFailure(`onChange was called after stop(): ${JSON.stringify(seen.slice(before))}`);
      }
    },
    { needs: ['delivers the current value at once'] },
  );
}
