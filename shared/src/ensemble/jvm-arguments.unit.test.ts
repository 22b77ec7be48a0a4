import { describe, expect, it } from 'vitest';
import { jvmArguments, ZOOKEEPER_MAIN_CLASS, type JvmSettings } from './jvm-arguments.ts';
import { superDigest } from './super-digest.ts';

const defaults: JvmSettings = { readOnlyModeEnabled: false, forceSync: false, extraJvmFlags: [] };

describe('jvmArguments', () => {
  it('runs QuorumPeerMain on the config file with TTL nodes on and the AdminServer off', () => {
    const args = jvmArguments(['/a.jar', '/b.jar'], '/e/zoo.cfg', '/e', defaults);
    expect(args.slice(-4)).toEqual(['-cp', '/a.jar:/b.jar', ZOOKEEPER_MAIN_CLASS, '/e/zoo.cfg']);
    expect(args).toEqual(
      expect.arrayContaining([
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dzookeeper.extendedTypesEnabled=true',
        '-Dzookeeper.admin.enableServer=false',
        '-Dzookeeper.forceSync=no',
      ]),
    );
    expect(args.join(' ')).not.toMatch(/readonlymode|superDigest|znode\.container/);
  });

  it('adds the optional properties only when asked', () => {
    const args = jvmArguments([], '/e/zoo.cfg', '/e', {
      readOnlyModeEnabled: true,
      superDigest: superDigest('super', 'secret'),
      containerCheckIntervalMs: 100,
      containerMaxNeverUsedIntervalMs: 200,
      forceSync: true,
      extraJvmFlags: ['-Dcustom=1'],
    });
    expect(args).toEqual(
      expect.arrayContaining([
        '-Dreadonlymode.enabled=true',
        `-Dzookeeper.DigestAuthenticationProvider.superDigest=${superDigest('super', 'secret')}`,
        '-Dznode.container.checkIntervalMs=100',
        '-Dznode.container.maxNeverUsedIntervalMs=200',
        '-Dzookeeper.forceSync=yes',
        '-Dcustom=1',
      ]),
    );
  });
});

describe('superDigest', () => {
  it('is user:base64(sha1(user:password)), as DigestAuthenticationProvider.generateDigest makes it', () => {
    // echo -n super:secret | openssl dgst -sha1 -binary | base64
    expect(superDigest('super', 'secret')).toBe('super:lK75jTNcA+U9vtVEw5vB51mj/w4=');
  });
});
