import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fetchCacheDirectory, findFetchedRelease } from '../ensemble/index.ts';
import { KafkaNotFoundError } from './errors.ts';

/** The line LocalKafka runs unless told otherwise: the last one with ZooKeeper mode. */
export const DEFAULT_KAFKA_RELEASE = '3.9';

export interface KafkaInstallation {
  /** Where it was found, for messages. */
  readonly description: string;
  /** From the broker jar's name ("3.9.2"). */
  readonly version: string;
  readonly classpath: readonly string[];
  /** The log4j 1 configuration the broker logs with. */
  readonly log4jConfiguration: string;
}

export interface LocateKafkaOptions {
  /**
   * An unpacked Apache Kafka release (libs/*.jar, config/log4j.properties). Defaults to $KAFKA_HOME;
   * without it, the newest fetched `release` in the cache.
   */
  kafkaHome?: string | undefined;
  /** "3.9.2", or "3.9" for the newest 3.9.x scripts/fetch-maven.sh put in the cache. */
  release?: string | undefined;
  /** Where the fetch scripts keep releases; defaults to fetchCacheDirectory(). */
  cacheDirectory?: string | undefined;
}

export function locateKafka(options: LocateKafkaOptions = {}): KafkaInstallation {
  const looked: string[] = [];
  const home = options.kafkaHome ?? process.env.KAFKA_HOME;
  if (home) {
    const installation = fromDirectory(home, `KAFKA_HOME=${home}`);
    if (installation) return installation;
    looked.push(`KAFKA_HOME=${home}: no kafka_2.13-*.jar in ${join(home, 'libs')} or ${join(home, 'lib')}`);
  } else {
    looked.push('KAFKA_HOME: not set');
  }

  const release = options.release ?? DEFAULT_KAFKA_RELEASE;
  const parent = join(options.cacheDirectory ?? fetchCacheDirectory(), 'maven');
  const fetched = findFetchedRelease(parent, 'kafka-', release);
  const installation = fetched && fromDirectory(fetched.directory, fetched.directory);
  if (installation) return installation;
  looked.push(`${parent}: no fetched kafka-${release}*`);
  throw new KafkaNotFoundError(looked);
}

// A release tarball keeps jars in libs/ and logging in config/; what fetch-maven.sh lays out uses
// lib/ and conf/.
function fromDirectory(directory: string, description: string): KafkaInstallation | undefined {
  const jars = ['libs', 'lib'].flatMap((name) => jarsIn(join(directory, name)));
  const brokerJar = jars.find((jar) => /\/kafka_2\.13-\d[^/]*\.jar$/.test(jar) && !/test|sources/.test(jar));
  const version = brokerJar && /kafka_2\.13-(\d[\w.]*)\.jar$/.exec(brokerJar)?.[1];
  if (!version) return undefined;
  const log4jConfiguration = ['conf', 'config']
    .map((name) => join(directory, name, 'log4j.properties'))
    .find((path) => existsSync(path));
  if (!log4jConfiguration) return undefined;
  return { description, version, classpath: jars, log4jConfiguration };
}

function jarsIn(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(directory, name));
}
