import type { Command } from 'commander';
import { LocalEnsemble } from '../../ensemble/index.ts';
import { LocalKafka, type ControllerState } from '../../kafka/index.ts';
import { integerOption } from '../integer-option.ts';

interface KafkaOptions {
  brokers: number;
  connect?: string;
  chroot: string;
  keepData?: boolean;
}

// Often enough to see a controller move after a broker is killed by hand.
const WATCH_INTERVAL_MS = 1_000;

export function register(program: Command): void {
  program
    .command('kafka')
    .description('run a local Kafka 3.9 cluster in ZooKeeper mode in the foreground until Ctrl-C')
    .option('-b, --brokers <n>', 'brokers, ids 1..n', integerOption(1, 9), 3)
    .option(
      '--connect <servers>',
      'an existing ensemble, host:port[,host:port...] (default: $ZK_CONNECT, else a standalone server of our own)',
    )
    .option('--chroot <path>', "where under the ensemble the cluster's znodes go", '/kafka')
    .option('--keep-data', 'keep the broker directories on exit (also ZK_KEEP_DATA=1)')
    .action(async (options: KafkaOptions) => {
      const started = performance.now();
      const connect = options.connect ?? process.env.ZK_CONNECT;
      let ensemble: LocalEnsemble | undefined;
      if (!connect) {
        process.stdout.write('Starting a standalone ZooKeeper server...\n');
        ensemble = await LocalEnsemble.start({ servers: 1, tickTimeMs: 500 });
      }
      const zooKeeperConnect = connect ?? ensemble!.connectString;
      process.stdout.write(
        `Starting ${options.brokers} Kafka broker(s) on ${zooKeeperConnect}${options.chroot}...\n`,
      );
      let kafka: LocalKafka;
      try {
        kafka = await LocalKafka.start({
          zooKeeperConnect,
          chroot: options.chroot,
          brokers: options.brokers,
          ...(options.keepData && { keepData: true }),
        });
      } catch (error) {
        await ensemble?.close();
        throw error;
      }
      let controller = await kafka.controller();
      process.stdout.write(
        [
          `Up in ${((performance.now() - started) / 1000).toFixed(1)} s: Kafka ${kafka.kafka.version}.`,
          '',
          ...kafka.brokers.map(
            (broker) => `broker ${broker.id}  ${broker.address}  pid ${broker.pid ?? '-'}`,
          ),
          `controller: ${describeController(controller)}`,
          '',
          `bootstrap servers: ${kafka.bootstrapServers}`,
          `zookeeper.connect: ${kafka.zooKeeperConnect}`,
          `data: ${kafka.directory}`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );

      // The interval also keeps the process alive: the JVMs are unref'd children.
      let registered = await kafka.registeredBrokerIds();
      const watch = setInterval(() => {
        void Promise.all([kafka.controller(), kafka.registeredBrokerIds()]).then(
          ([nowController, nowRegistered]) => {
            if (describeController(nowController) !== describeController(controller)) {
              process.stdout.write(`controller: ${describeController(nowController)}\n`);
            }
            if (nowRegistered.join() !== registered.join()) {
              process.stdout.write(`/brokers/ids: [${nowRegistered.join(', ')}]\n`);
            }
            controller = nowController;
            registered = nowRegistered;
          },
          // A reconnecting session (a ZooKeeper server killed by hand) just skips this look.
          () => undefined,
        );
      }, WATCH_INTERVAL_MS);

      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(watch);
      process.stdout.write(`\n${signal}: stopping the cluster...\n`);
      await kafka.close();
      await ensemble?.close();
      process.stdout.write(options.keepData ? `Stopped; data kept in ${kafka.directory}\n` : 'Stopped.\n');
    });
}

function describeController(controller: ControllerState | undefined): string {
  if (!controller) return 'none (an election is under way)';
  return `broker ${controller.brokerId}, epoch ${controller.epoch} (/controller_epoch zkVersion ${controller.epochZkVersion})`;
}
