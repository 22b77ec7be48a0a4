/**
 * Kafka coordination's numbers (examples/kafka-coordination): three real Kafka 3.9 brokers in
 * ZooKeeper mode on the bench's ensemble, driven by kafkajs from this process. Each number is printed
 * beside a peer measured in the same run on the same cluster: controller failover after SIGKILL
 * against the same after a clean SIGTERM; the producer's stall when a partition leader is SIGKILLed
 * against its own p99 send latency just before; produce throughput with acks=all against acks=1.
 * Consume throughput is for the record.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatTable } from '../../shared/src/cli/table.ts';
import { locateJava } from '../../shared/src/ensemble/index.ts';
import { locateKafka } from '../../shared/src/kafka/index.ts';
import {
  controllerFailover,
  partitionFailover,
  type BrokerExit,
  type PartitionFailover,
} from '../kafka/failover.ts';
import {
  createBenchTopic,
  startKafkaBenchCluster,
  waitForFullIsr,
  type KafkaBenchCluster,
} from '../kafka/kafka-bench-cluster.ts';
import {
  measureConsume,
  measureProduce,
  type Throughput,
  type ThroughputWorkload,
} from '../kafka/throughput.ts';
import { formatSpread } from '../lib/comparison-table.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { roundOrder } from '../lib/rounds.ts';
import { spread, type Spread } from '../lib/stats.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

const PARTITIONS = 3;
const TOPICS = { produce: 'bench-produce', consume: 'bench-consume', failover: 'bench-failover' };
const EXITS: readonly BrokerExit[] = ['SIGKILL', 'SIGTERM'];
const ACKS = [-1, 1] as const;

interface Sizes {
  produce: ThroughputWorkload;
  /** messages the consume topic is filled with, once, before the rounds */
  consume: number;
  failover: { warmupSends: number; steadySends: number; batchSize: number };
}

// Throughput runs last seconds, not fractions of one: on a shared 2-core machine a shorter run
// measures whatever else was scheduled in that moment.
const FULL: Sizes = {
  produce: { messages: 150_000, warmupMessages: 15_000, batchSize: 500, messageBytes: 100 },
  consume: 300_000,
  failover: { warmupSends: 50, steadySends: 300, batchSize: 20 },
};
const QUICK: Sizes = {
  produce: { messages: 15_000, warmupMessages: 1_500, batchSize: 500, messageBytes: 100 },
  consume: 30_000,
  failover: { warmupSends: 10, steadySends: 50, batchSize: 20 },
};

interface Round {
  round: number;
  produce: Partial<Record<'acksAll' | 'acksLeader', Throughput>>;
  consume?: Throughput;
  partitionFailover?: PartitionFailover;
  controllerFailoverMs: Partial<Record<BrokerExit, number>>;
  loadAverage: number;
}

export const suite: BenchSuite = {
  name: 'kafka',
  description:
    'Kafka 3.9 on ZooKeeper: controller failover (SIGKILL vs SIGTERM), partition leader failover seen by a producer (vs its p99), produce (acks=all vs 1) and consume throughput',
  prepare(options) {
    // Before any ensemble starts: a machine without java or the Kafka jars fails in seconds.
    locateJava();
    const installation = locateKafka();
    return Promise.resolve({ run: (context) => runSuite(context, options, installation.version) });
  },
};

async function runSuite(
  { ensemble, log }: SuiteContext,
  options: SuiteOptions,
  kafkaVersion: string,
): Promise<SuiteOutcome> {
  const sizes = options.quick ? QUICK : FULL;
  const rounds: Round[] = [];
  const failures: string[] = [];
  log('starting three Kafka brokers…');
  const cluster = await startKafkaBenchCluster(ensemble.connectString);
  try {
    for (const topic of Object.values(TOPICS)) await createBenchTopic(cluster.admin, topic, PARTITIONS);
    await measureProduce(cluster.client, TOPICS.consume, 1, {
      ...sizes.produce,
      messages: sizes.consume,
      warmupMessages: 0,
    });
    for (let round = 0; round < options.rounds; round++) {
      const heading = `round ${round + 1}/${options.rounds}`;
      try {
        rounds.push(await runRound(cluster, sizes, round, (line) => log(`${heading}  ${line}`)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${heading}: ${message}`);
        log(`${heading}  FAILED: ${message}`);
      }
    }
  } finally {
    await cluster.close();
  }
  return {
    report: formatReport(rounds, sizes, options, ensemble, kafkaVersion),
    failures,
    results: { sizes, rounds },
  };
}

async function runRound(
  cluster: KafkaBenchCluster,
  sizes: Sizes,
  round: number,
  log: (line: string) => void,
): Promise<Round> {
  const { kafka, client } = cluster;
  const result: Round = { round, produce: {}, controllerFailoverMs: {}, loadAverage: 0 };
  // The previous round restarted brokers: every replica back in sync before anything is timed.
  for (const topic of Object.values(TOPICS)) await waitForFullIsr(kafka, topic, PARTITIONS);

  for (const acks of roundOrder(ACKS, round)) {
    const measured = await measureProduce(client, TOPICS.produce, acks, sizes.produce);
    result.produce[acks === -1 ? 'acksAll' : 'acksLeader'] = measured;
    log(`produce acks=${acks === -1 ? 'all' : '1'}: ${measured.messagesPerSecond.toFixed(0)} msgs/s`);
  }
  result.consume = await measureConsume(client, TOPICS.consume, sizes.consume);
  log(`consume: ${result.consume.messagesPerSecond.toFixed(0)} msgs/s`);

  result.partitionFailover = await partitionFailover(
    kafka,
    client,
    TOPICS.failover,
    PARTITIONS,
    sizes.failover,
  );
  log(
    `partition leader failover (broker ${result.partitionFailover.victim} killed): ` +
      `${result.partitionFailover.failoverMs.toFixed(0)} ms; steady p99 ${result.partitionFailover.steadyP99Ms.toFixed(1)} ms`,
  );

  for (const exit of roundOrder(EXITS, round)) {
    result.controllerFailoverMs[exit] = await controllerFailover(kafka, exit);
    log(`controller failover after ${exit}: ${result.controllerFailoverMs[exit]!.toFixed(0)} ms`);
  }
  result.loadAverage = loadAverage();
  return result;
}

function formatReport(
  rounds: readonly Round[],
  sizes: Sizes,
  options: SuiteOptions,
  ensemble: SuiteContext['ensemble'],
  kafkaVersion: string,
): string {
  const over = (measure: (round: Round) => number | undefined): Spread | undefined => {
    const values = rounds.map(measure).filter((value): value is number => value !== undefined);
    return values.length > 0 ? spread(values) : undefined;
  };
  const rows: [string, Spread | undefined, string, Spread | undefined][] = [
    [
      'controller failover ms (SIGKILL → new /controller)',
      over((round) => round.controllerFailoverMs.SIGKILL),
      'clean shutdown (SIGTERM → new /controller)',
      over((round) => round.controllerFailoverMs.SIGTERM),
    ],
    [
      'partition leader failover ms seen by the producer (SIGKILL → first send acknowledged)',
      over((round) => round.partitionFailover?.failoverMs),
      'steady-state send latency p99 ms',
      over((round) => round.partitionFailover?.steadyP99Ms),
    ],
    [
      'produce msgs/s, acks=all',
      over((round) => round.produce.acksAll?.messagesPerSecond),
      'acks=1 (leader only)',
      over((round) => round.produce.acksLeader?.messagesPerSecond),
    ],
    ['consume msgs/s (for the record)', over((round) => round.consume?.messagesPerSecond), '—', undefined],
  ];
  const table = formatTable(
    ['measure', 'median (range)', 'peer', 'peer median (range)', 'ratio'],
    rows.map(([measure, value, peer, peerValue]) => [
      measure,
      value ? formatSpread(value) : '—',
      peer,
      peerValue ? formatSpread(peerValue) : '—',
      value && peerValue && peerValue.median !== 0 ? (value.median / peerValue.median).toFixed(2) : '—',
    ]),
  );
  const kafkajsVersion = (
    JSON.parse(readFileSync(createRequire(import.meta.url).resolve('kafkajs/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const longest = over((round) => round.partitionFailover?.longestSendMs);
  return [
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; three Kafka ${kafkaVersion} brokers ` +
      '(ZooKeeper mode, -Xmx256m, ZooKeeper session 6 s, replica lag 5 s, min.insync.replicas 2) under a chroot ' +
      `of it; kafkajs ${kafkajsVersion} in the bench process`,
    `${rounds.length} round(s) of ${options.rounds}; each row: median (min–max) over rounds; ratio = median / peer's median`,
    `workloads: produce ${sizes.produce.messages} messages of ${sizes.produce.messageBytes} B (after ` +
      `${sizes.produce.warmupMessages} untimed) in sends of ` +
      `${sizes.produce.batchSize} to ${PARTITIONS} partitions (3 replicas), one send at a time; consume ` +
      `${sizes.consume} messages from the beginning (first batch to last); partition failover: an idempotent ` +
      `producer sending ${sizes.failover.batchSize} messages at a time to one partition, ${sizes.failover.steadySends} ` +
      'timed sends in steady state, then its leader (never the controller) SIGKILLed',
    `load average after each round (${describeEnvironment().cpus} CPUs): ${rounds.map((round) => round.loadAverage).join(', ')}`,
    '',
    table,
    '',
    `longest single send during the partition failover: ${longest ? formatSpread(longest) : '—'} ms`,
    'A SIGKILLed broker holds its /brokers/ids registration (and /controller) until its ZooKeeper session ' +
      'expires: 6 s after it was last heard (it pings every 2 s when idle), rounded up to the servers’ next ' +
      'expiry tick (tickTime, 2 s by default), so 4 to 8 s after the kill, plus the controller’s reaction. ' +
      'A SIGTERMed controller closes its session as it shuts down: /controller goes at once and another ' +
      'broker wins the election. Throughput ranges that overlap say the difference is the machine’s noise.',
  ].join('\n');
}
