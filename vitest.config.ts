import { defineConfig } from 'vitest/config';

// Inside the repository, `@zk-cookbook/core/...` resolves to the TypeScript sources (the package's
// `zk-cookbook-source` export condition), so tests run without a build step.
// The rest are Vite's default server conditions, which a custom list replaces.
const sourceConditions = ['zk-cookbook-source', 'module', 'node', 'development|production'];

// Three kinds of test, run as separate projects:
// - unit:        pure code, no ZooKeeper (`*.unit.test.ts`)
// - integration: share one 3-server ensemble started by the global setup (`*.test.ts`);
//                each file works under its own chroot, so files run in parallel
// - fault:       start dedicated ensembles and kill, pause or expire things (`*.fault.test.ts`);
//                they run one file at a time because a 2-core machine cannot host many ensembles at once
export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    // Most tests wait on ZooKeeper and on timeouts rather than compute, so more workers than the two
    // cores pay off; fault files still run one at a time among themselves.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'shared/**/*.unit.test.ts',
            'examples/**/*.unit.test.ts',
            'bench/**/*.unit.test.ts',
            'compose/**/*.unit.test.ts',
            'docs/**/*.unit.test.ts',
            'workshop/**/*.unit.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'shared/**/*.test.ts',
            'examples/**/*.test.ts',
            'docs/**/*.test.ts',
            'workshop/**/*.test.ts',
          ],
          exclude: ['**/*.unit.test.ts', '**/*.fault.test.ts', '**/*.kafka.test.ts', '**/node_modules/**'],
          globalSetup: ['shared/test-support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'fault',
          include: [
            'shared/**/*.fault.test.ts',
            'examples/**/*.fault.test.ts',
            'docs/**/*.fault.test.ts',
            'workshop/**/*.fault.test.ts',
          ],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Real Kafka brokers (JVMs) on a dedicated ensemble: one file at a time, brokers started once per file.
          name: 'kafka',
          include: ['shared/**/*.kafka.test.ts', 'examples/**/*.kafka.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
