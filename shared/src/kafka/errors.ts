import { EnsembleError } from '../ensemble/index.ts';

/** Base class: a failure of the local Kafka launcher, not of the code under test. */
export class KafkaLauncherError extends EnsembleError {
  override name = 'KafkaLauncherError';
}

export class KafkaNotFoundError extends KafkaLauncherError {
  override name = 'KafkaNotFoundError';

  constructor(readonly looked: readonly string[]) {
    super(
      `Kafka not found. Looked at:\n${looked.map((place) => `  - ${place}`).join('\n')}\n` +
        'Fetch it with `bash scripts/fetch-maven.sh kafka` (scripts/ensure-deps.sh test does), or set ' +
        'KAFKA_HOME to an unpacked Apache Kafka 3.x release (ZooKeeper mode ended with 3.9).',
    );
  }
}

/** A broker JVM exited, or did not register in /brokers/ids, while the launcher waited for it. */
export class BrokerStartError extends KafkaLauncherError {
  override name = 'BrokerStartError';

  constructor(
    readonly brokerId: number,
    detail: string,
    readonly logFile: string,
    readonly logTail: string,
    /** Another process took its port between our choosing it and the broker binding it. */
    readonly portInUse = false,
  ) {
    super(`broker ${brokerId}: ${detail}\n--- last lines of ${logFile} ---\n${logTail}`);
  }
}
