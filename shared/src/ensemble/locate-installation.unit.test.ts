import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JavaNotFoundError, ZooKeeperNotFoundError } from './errors.ts';
import { LocalEnsemble } from './local-ensemble.ts';
import { locateJava } from './locate-java.ts';
import { locateZooKeeper } from './locate-zookeeper.ts';

const scratch: string[] = [];
function scratchDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'zk-cookbook-locate-'));
  scratch.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('locateZooKeeper', () => {
  it('says what to install when neither ZOOKEEPER_HOME nor the Debian jar has ZooKeeper', () => {
    const empty = scratchDirectory();
    const find = () => locateZooKeeper({ zooKeeperHome: empty, debianJar: false });
    expect(find).toThrow(ZooKeeperNotFoundError);
    expect(find).toThrow(/apt-get install zookeeper default-jre-headless/);
    expect(find).toThrow(/set ZK_CONNECT to use an existing ensemble/);
    expect(find).toThrow(`ZOOKEEPER_HOME=${empty}`);
  });

  it('names the Debian jar it looked for', () => {
    const find = () => locateZooKeeper({ zooKeeperHome: '', debianJar: '/nonexistent/zookeeper.jar' });
    expect(find).toThrow(/\/nonexistent\/zookeeper\.jar: missing/);
  });

  it('uses a release layout: conf/ first, then lib/*.jar, without adding a second slf4j binding', () => {
    const home = scratchDirectory();
    mkdirSync(join(home, 'lib'));
    mkdirSync(join(home, 'conf'));
    for (const jar of ['zookeeper-3.8.4.jar', 'zookeeper-jute-3.8.4.jar', 'logback-classic-1.2.13.jar']) {
      writeFileSync(join(home, 'lib', jar), '');
    }
    const installation = locateZooKeeper({
      zooKeeperHome: home,
      debianJar: false,
      slf4jBindingJar: '/x.jar',
    });
    expect(installation.description).toBe(`ZOOKEEPER_HOME=${home}`);
    expect(installation.classpath).toEqual([
      join(home, 'conf'),
      join(home, 'lib', 'logback-classic-1.2.13.jar'),
      join(home, 'lib', 'zookeeper-3.8.4.jar'),
      join(home, 'lib', 'zookeeper-jute-3.8.4.jar'),
    ]);
  });

  it('does not take a lone jute jar for a server', () => {
    const home = scratchDirectory();
    mkdirSync(join(home, 'lib'));
    writeFileSync(join(home, 'lib', 'zookeeper-jute-3.8.4.jar'), '');
    expect(() => locateZooKeeper({ zooKeeperHome: home, debianJar: false })).toThrow(ZooKeeperNotFoundError);
  });

  it('makes LocalEnsemble.start fail before it creates or spawns anything', async () => {
    const empty = scratchDirectory();
    const base = scratchDirectory();
    await expect(
      LocalEnsemble.start({ zooKeeperHome: empty, debianJar: false, baseDirectory: base }),
    ).rejects.toThrow(ZooKeeperNotFoundError);
    expect(readdirSync(base)).toEqual([]);
  });
});

describe('locateZooKeeper with a fetched release (ZK_COOKBOOK_ZOOKEEPER)', () => {
  function fetchedRelease(cache: string, version: string, complete = true): string {
    const home = join(cache, 'maven', `zookeeper-${version}`);
    mkdirSync(join(home, 'lib'), { recursive: true });
    mkdirSync(join(home, 'conf'));
    for (const jar of [
      `zookeeper-${version}.jar`,
      `zookeeper-jute-${version}.jar`,
      'logback-classic-1.3.15.jar',
    ]) {
      writeFileSync(join(home, 'lib', jar), '');
    }
    if (complete) writeFileSync(join(home, '.complete'), '');
    return home;
  }

  it('picks the newest complete 3.9.x for "3.9", with its version, ignoring 3.10 and half-fetched ones', () => {
    const cache = scratchDirectory();
    fetchedRelease(cache, '3.9.4');
    const newest = fetchedRelease(cache, '3.9.10');
    fetchedRelease(cache, '3.9.11', false);
    fetchedRelease(cache, '3.10.0');
    const installation = locateZooKeeper({ release: '3.9', cacheDirectory: cache, debianJar: false });
    expect(installation.version).toBe('3.9.10');
    expect(installation.description).toBe(`ZK_COOKBOOK_ZOOKEEPER=3.9: ${newest}`);
    expect(installation.classpath[0]).toBe(join(newest, 'conf'));
    expect(installation.classpath).toContain(join(newest, 'lib', 'zookeeper-3.9.10.jar'));
  });

  it('fails, naming the fetch command, rather than falling back to another server', () => {
    const cache = scratchDirectory();
    fetchedRelease(cache, '3.8.6');
    const find = () =>
      locateZooKeeper({
        release: '3.9.5',
        cacheDirectory: cache,
        debianJar: '/usr/share/java/zookeeper.jar',
      });
    expect(find).toThrow(ZooKeeperNotFoundError);
    expect(find).toThrow(/scripts\/fetch-maven\.sh zookeeper 3\.9\.5/);
  });

  it('"system" means ZOOKEEPER_HOME, then Debian', () => {
    const home = scratchDirectory();
    mkdirSync(join(home, 'lib'));
    writeFileSync(join(home, 'lib', 'zookeeper-3.8.4.jar'), '');
    const installation = locateZooKeeper({ release: 'system', zooKeeperHome: home, debianJar: false });
    expect(installation).toMatchObject({ description: `ZOOKEEPER_HOME=${home}`, version: '3.8.4' });
  });
});

describe('locateJava', () => {
  it('prefers $JAVA_HOME/bin/java', () => {
    const javaHome = scratchDirectory();
    mkdirSync(join(javaHome, 'bin'));
    writeFileSync(join(javaHome, 'bin', 'java'), '#!/bin/sh\n', { mode: 0o755 });
    expect(locateJava({ JAVA_HOME: javaHome, PATH: '/usr/bin' })).toBe(join(javaHome, 'bin', 'java'));
  });

  it('says what to install when java is nowhere', () => {
    const empty = scratchDirectory();
    const find = () => locateJava({ PATH: empty });
    expect(find).toThrow(JavaNotFoundError);
    expect(find).toThrow(/apt-get install default-jre-headless/);
  });
});
