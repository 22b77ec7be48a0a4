import type { Command } from 'commander';
import { integerOption } from '../integer-option.ts';

interface RunOptions {
  servers: number;
  readyTimeout: number;
}

export function register(program: Command): void {
  program
    .command('run')
    .argument('<pattern>', 'a folder of examples/, e.g. config-center')
    .description(
      "run a pattern's services locally, no Docker: a local ensemble (or ZK_CONNECT) and every service",
    )
    .option(
      '-s, --servers <n>',
      'voting members of the local ensemble (ignored with ZK_CONNECT)',
      integerOption(1, 9),
      3,
    )
    .option(
      '--ready-timeout <ms>',
      'how long each service gets to become ready',
      integerOption(1_000),
      60_000,
    )
    .action(async (pattern: string, options: RunOptions) => {
      const { runPattern } = await import('../patterns/run-pattern.ts');
      const { untilShutdownSignal } = await import('../../http/index.ts');
      const running = await runPattern({
        pattern,
        zkConnect: process.env.ZK_CONNECT || undefined,
        servers: options.servers,
        readyTimeoutMs: options.readyTimeout,
      });
      // Should this process die some other way, its services must not outlive it.
      const killAll = (): void => running.services.forEach((service) => service.killNow());
      process.once('exit', killAll);
      process.stdout.write(`\n${running.describe()}\n\n`);

      const signal = await untilShutdownSignal();
      const after = running.kafka ? 'Kafka and the ensemble' : 'the ensemble';
      process.stdout.write(`\n${signal}: stopping the services, then ${after}...\n`);
      const stopped = await running.close();
      process.off('exit', killAll);
      const forced = stopped.filter((service) => !service.graceful).map((service) => service.instanceId);
      process.stdout.write(
        forced.length === 0 ? 'Stopped.\n' : `Stopped; not a graceful exit: ${forced.join(', ')}\n`,
      );
    });
}
