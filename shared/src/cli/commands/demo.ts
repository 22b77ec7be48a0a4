import type { Command } from 'commander';
import { integerOption } from '../integer-option.ts';

interface DemoCommandOptions {
  connect?: string;
  port?: number;
  host: string;
  workers: number;
  duration?: number;
  tickTime: number;
  allowRemoteControl?: boolean;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'the main demo: a local ensemble, the dashboard with fault buttons, and workers electing a leader and sharing a lock',
    )
    .option('--connect <hosts>', 'use an existing ensemble instead of starting one (default: $ZK_CONNECT)')
    .option('--port <port>', 'dashboard port (default 8080, or a free one if taken)', integerOption(0, 65535))
    .option('--host <host>', 'dashboard address', '127.0.0.1')
    .option(
      '--allow-remote-control',
      'with a non-loopback --host: let anyone who reaches the dashboard kill and pause the servers',
    )
    .option('--workers <n>', 'number of workers', integerOption(1, 20), 3)
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', integerOption(1))
    .option('--tick-time <ms>', 'tickTime of the local ensemble', integerOption(50), 500)
    .action(async (options: DemoCommandOptions) => {
      const { runDemo } = await import('../../demo/run-demo.ts');
      const controller = new AbortController();
      const stop = (): void => {
        process.stdout.write('\nStopping the demo...\n');
        controller.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const connectString = options.connect ?? process.env.ZK_CONNECT;
      const summary = await runDemo({
        ...(connectString && { connectString }),
        ...(options.port !== undefined && { port: options.port }),
        host: options.host,
        ...(options.allowRemoteControl && { allowRemoteControl: true }),
        workers: options.workers,
        tickTimeMs: options.tickTime,
        ...(options.duration !== undefined && { durationMs: options.duration * 1000 }),
        signal: controller.signal,
      });
      process.stdout.write('\nSummary\n');
      for (const [name, tally] of Object.entries(summary.workers)) {
        process.stdout.write(
          `  ${name}: ${tally.terms} leadership term(s), ${tally.heartbeats} heartbeats, ${tally.lockHolds} lock holds, ${tally.configVersionsSeen} config versions seen\n`,
        );
      }
      const holds = Object.values(summary.workers).reduce((sum, tally) => sum + tally.lockHolds, 0);
      process.stdout.write(
        `  counter went up by ${summary.counter} for ${holds} lock holds${summary.counter === holds ? ' — no update lost' : ''}\n`,
      );
    });
}
