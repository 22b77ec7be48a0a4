import { FAST_START_JVM_FLAGS } from '../ensemble/index.ts';
import type { KafkaInstallation } from './locate-kafka.ts';

export const KAFKA_MAIN_CLASS = 'kafka.Kafka';

/** The broker's command line: the ensemble's fast-start flags, a small heap, our log4j file. */
export function brokerJvmArguments(
  kafka: KafkaInstallation,
  propertiesFile: string,
  heapMegabytes: number,
): string[] {
  return [
    ...FAST_START_JVM_FLAGS,
    // The last -Xmx wins: FAST_START_JVM_FLAGS has one for ZooKeeper servers.
    `-Xmx${heapMegabytes}m`,
    `-Dlog4j.configuration=file:${kafka.log4jConfiguration}`,
    '-Djava.net.preferIPv4Stack=true',
    // Kafka's ZooKeeper client registers log4j MBeans it does not need.
    '-Dzookeeper.jmx.log4j.disable=true',
    '-cp',
    kafka.classpath.join(':'),
    KAFKA_MAIN_CLASS,
    propertiesFile,
  ];
}
