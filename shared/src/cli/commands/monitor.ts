import type { Command } from 'commander';
import type { LocalEnsemble } from '../../ensemble/index.ts';
import { isLoopbackHost } from '../../http/host-check.ts';
import { integerOption } from '../integer-option.ts';

interface MonitorCommandOptions {
  connect?: string;
  port: number;
  host: string;
  interval: number;
  local?: boolean;
  allowRemoteControl?: boolean;
  allowedHosts?: string[];
  servers: number;
  observers: number;
  tickTime: number;
}

export function register(program: Command): void {
  program
    .command('monitor')
    .description(
      'web dashboard, JSON API and Prometheus metrics for an ensemble (four-letter words, znode browser, live events)',
    )
    .option('-c, --connect <servers>', 'ensemble to monitor, host:port[,host:port...] (default: $ZK_CONNECT)')
    .option('-p, --port <port>', 'HTTP port', integerOption(0, 65_535), 8_080)
    .option(
      '--host <address>',
      'HTTP address to listen on (0.0.0.0 exposes it, unauthenticated, to your network)',
      '127.0.0.1',
    )
    .option(
      '--allowed-hosts <names>',
      'comma-separated Host names to answer to besides its own address, e.g. a proxy or container name (name or name:port)',
      (value: string) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
    )
    .option('--interval <ms>', 'how often to poll each server', integerOption(100), 1_000)
    .option('--local', 'start a local ensemble and monitor it, with kill/pause/resume/restart buttons')
    .option(
      '--allow-remote-control',
      'with --local and a non-loopback --host: serve the (unauthenticated) fault buttons anyway',
    )
    .option('-s, --servers <n>', 'with --local: voting members', integerOption(1, 99), 3)
    .option('-o, --observers <n>', 'with --local: observers', integerOption(0, 99), 1)
    .option('--tick-time <ms>', "with --local: ZooKeeper's time unit", integerOption(10), 2_000)
    .action(async (options: MonitorCommandOptions, command: Command) => {
      const connect = options.connect ?? (options.local ? undefined : process.env.ZK_CONNECT);
      if (options.local && options.connect)
        command.error('monitor: use either --local or --connect, not both');
      if (!options.local && !connect) {
        command.error(
          'monitor: nothing to monitor; pass --connect host:port,..., set ZK_CONNECT, or use --local',
        );
      }
      // Before any JVM starts: the refusal must not leave an ensemble behind.
      if (options.local && !options.allowRemoteControl && !isLoopbackHost(options.host)) {
        command.error(
          `monitor: --local serves kill/pause/resume/restart buttons without authentication; refusing to expose them on ${options.host}. ` +
            'Use --host 127.0.0.1, or add --allow-remote-control if everyone who can reach that address may stop your servers',
        );
      }

      // Loaded when the command runs, so `zk-cookbook --help` and other commands do not pay for express.
      const [{ LocalEnsemble }, { untilShutdownSignal }, { startMonitor }] = await Promise.all([
        import('../../ensemble/index.ts'),
        import('../../http/index.ts'),
        import('../../monitor/index.ts'),
      ]);
      let ensemble: LocalEnsemble | undefined;
      if (options.local) {
        const shape = `${options.servers} server(s)${options.observers ? ` + ${options.observers} observer(s)` : ''}`;
        process.stdout.write(`Starting a local ensemble of ${shape}, tickTime ${options.tickTime} ms...\n`);
        ensemble = await LocalEnsemble.start({
          servers: options.servers,
          observers: options.observers,
          tickTimeMs: options.tickTime,
        });
      }
      try {
        const monitor = await startMonitor({
          ...(connect && { connectString: connect }),
          ...(ensemble && { localEnsemble: ensemble }),
          port: options.port,
          host: options.host,
          ...(options.allowRemoteControl && { allowRemoteControl: true }),
          ...(options.allowedHosts && { allowedHosts: options.allowedHosts }),
          pollIntervalMs: options.interval,
        });
        process.stdout.write(
          [
            `Monitoring ${ensemble?.connectString ?? connect}`,
            `  dashboard: ${monitor.url}/`,
            `  metrics:   ${monitor.url}/metrics`,
            `  API:       ${monitor.url}/api/ensemble`,
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
        if (!isLoopbackHost(options.host)) {
          process.stderr.write(
            `Warning: listening on ${options.host}: the API and dashboard have no authentication; anyone who can reach this port can read the tree${ensemble ? ' and stop the servers' : ''}.\n`,
          );
        }
        const signal = await untilShutdownSignal();
        process.stdout.write(`\n${signal}: stopping the monitor${ensemble ? ' and the ensemble' : ''}...\n`);
        await monitor.close();
      } finally {
        await ensemble?.close();
      }
      process.stdout.write('Stopped.\n');
    });
}
