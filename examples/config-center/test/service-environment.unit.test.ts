import { describe, expect, it } from 'vitest';
import { ConfigCenterError } from '../src/errors.ts';
import { publisherEnvironment, subscriberEnvironment } from '../src/service-environment.ts';

describe('service settings', () => {
  it('reads the run contract from the environment', () => {
    const settings = subscriberEnvironment([], {
      ZK_CONNECT: '127.0.0.1:2181/app',
      HOST: '127.0.0.1',
      PORT: '4100',
      INSTANCE_ID: 'subscriber-2',
      ALLOWED_HOSTS: 'subscriber-2, localhost',
    });
    expect(settings).toMatchObject({
      ZK_CONNECT: '127.0.0.1:2181/app',
      PORT: 4100,
      INSTANCE_ID: 'subscriber-2',
      ALLOWED_HOSTS: ['subscriber-2', 'localhost'],
    });
  });

  it('lets --host, --port and --allowed-hosts override the environment', () => {
    const settings = publisherEnvironment(
      ['--host', '0.0.0.0', '--port', '3000', '--allowed-hosts', 'publisher'],
      { ZK_CONNECT: 'zoo1:2181', ADMIN_SECRET: 'long enough', PORT: '1' },
    );
    expect(settings).toMatchObject({ HOST: '0.0.0.0', PORT: 3000, ALLOWED_HOSTS: ['publisher'] });
  });

  it('says what is missing or wrong, as a typed error', () => {
    const attempt = (): unknown => publisherEnvironment([], { ADMIN_SECRET: 'short', PORT: 'eighty' });
    expect(attempt).toThrow(ConfigCenterError);
    expect(attempt).toThrow(/ZK_CONNECT.*required.*PORT.*ADMIN_SECRET.*at least 8/s);
    expect(() => subscriberEnvironment(['--color'], { ZK_CONNECT: 'a:1' })).toThrow(
      /Unknown option '--color'/,
    );
  });
});
