import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaNotFoundError } from './errors.ts';
import { locateKafka } from './locate-kafka.ts';

const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function fakeInstallation(
  parent: string,
  name: string,
  jarsDirectory: string,
  confDirectory: string,
  complete = true,
): string {
  const home = join(parent, name);
  mkdirSync(join(home, jarsDirectory), { recursive: true });
  mkdirSync(join(home, confDirectory), { recursive: true });
  const version = /(\d[\w.]*)$/.exec(name)?.[1] ?? '3.9.2';
  for (const jar of [`kafka_2.13-${version}.jar`, `kafka-clients-${version}.jar`, 'zookeeper-3.8.4.jar'])
    writeFileSync(join(home, jarsDirectory, jar), '');
  writeFileSync(join(home, confDirectory, 'log4j.properties'), '');
  if (complete) writeFileSync(join(home, '.complete'), 'layout 1\n');
  return home;
}

function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'locate-kafka-'));
  made.push(directory);
  return directory;
}

describe('locateKafka', () => {
  it('takes the newest complete fetched 3.9.x from the cache', () => {
    const cache = scratch();
    fakeInstallation(join(cache, 'maven'), 'kafka-3.9.1', 'lib', 'conf');
    fakeInstallation(join(cache, 'maven'), 'kafka-3.9.2', 'lib', 'conf');
    fakeInstallation(join(cache, 'maven'), 'kafka-3.9.3', 'lib', 'conf', false);
    const kafka = locateKafka({ cacheDirectory: cache, kafkaHome: '' });
    expect(kafka.version).toBe('3.9.2');
    expect(kafka.classpath.some((jar) => jar.endsWith('kafka_2.13-3.9.2.jar'))).toBe(true);
    expect(kafka.log4jConfiguration).toBe(join(cache, 'maven', 'kafka-3.9.2', 'conf', 'log4j.properties'));
  });

  it('prefers an unpacked release named by kafkaHome (libs/, config/)', () => {
    const home = fakeInstallation(scratch(), 'kafka_2.13-3.8.1', 'libs', 'config');
    const kafka = locateKafka({ kafkaHome: home, cacheDirectory: scratch() });
    expect(kafka.version).toBe('3.8.1');
    expect(kafka.description).toBe(`KAFKA_HOME=${home}`);
  });

  it('says where it looked and what to run when there is none', () => {
    const cache = scratch();
    const find = () => locateKafka({ cacheDirectory: cache, kafkaHome: '' });
    expect(find).toThrow(KafkaNotFoundError);
    expect(find).toThrow(/scripts\/fetch-maven\.sh kafka/);
    expect(find).toThrow(new RegExp(`${join(cache, 'maven')}: no fetched kafka-3\\.9\\*`));
  });
});
