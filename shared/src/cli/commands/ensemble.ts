import type { Command } from 'commander';
import { LocalEnsemble, type ObservedMode } from '../../ensemble/index.ts';
import { describeModeChanges, formatMembers } from '../ensemble-report.ts';
import { integerOption } from '../integer-option.ts';

interface EnsembleOptions {
  servers: number;
  observers: number;
  tickTime: number;
  basePort?: number;
  readOnly?: boolean;
  keepData?: boolean;
}

// Often enough to notice a server someone killed by hand, rare enough to stay out of the way.
const WATCH_INTERVAL_MS = 2_000;

export function register(program: Command): void {
  program
    .command('ensemble')
    .description('run a local ZooKeeper ensemble in the foreground until Ctrl-C')
    .option('-s, --servers <n>', 'voting members (1 = standalone mode)', integerOption(1, 99), 3)
    .option('-o, --observers <n>', 'non-voting observers', integerOption(0, 99), 0)
    .option('--tick-time <ms>', "ZooKeeper's time unit", integerOption(10), 2_000)
    .option(
      '--base-port <port>',
      'fixed ports: client ports from <port>, quorum from <port>+100, election from <port>+200 ' +
        '(default: free ports chosen by the OS)',
      integerOption(1, 65_335),
    )
    .option('--read-only', 'let a member that lost its quorum keep serving reads')
    .option('--keep-data', 'keep the data directories on exit (also ZK_KEEP_DATA=1)')
    .action(async (options: EnsembleOptions) => {
      const shape = `${options.servers} server(s)${options.observers ? ` + ${options.observers} observer(s)` : ''}`;
      process.stdout.write(`Starting ${shape}, tickTime ${options.tickTime} ms...\n`);
      const started = performance.now();
      const ensemble = await LocalEnsemble.start({
        servers: options.servers,
        observers: options.observers,
        tickTimeMs: options.tickTime,
        basePort: options.basePort,
        readOnlyMode: options.readOnly ?? false,
        ...(options.keepData && { keepData: true }),
      });
      let modes = await ensemble.modes();
      process.stdout.write(
        [
          `Up in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
          '',
          formatMembers(ensemble, modes),
          '',
          `connect string: ${ensemble.connectString}`,
          `  export ZK_CONNECT=${ensemble.connectString}`,
          `data: ${ensemble.directory}`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );

      // The interval also keeps the process alive: the JVMs are unref'd children.
      const watch = setInterval(() => {
        void ensemble.modes().then((now: Map<number, ObservedMode>) => {
          for (const change of describeModeChanges(modes, now)) process.stdout.write(`${change}\n`);
          modes = now;
        });
      }, WATCH_INTERVAL_MS);

      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(watch);
      process.stdout.write(`\n${signal}: stopping the ensemble...\n`);
      await ensemble.close();
      process.stdout.write(options.keepData ? `Stopped; data kept in ${ensemble.directory}\n` : 'Stopped.\n');
    });
}
