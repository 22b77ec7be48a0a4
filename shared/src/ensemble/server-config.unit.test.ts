import { describe, expect, it } from 'vitest';
import { renderServerConfig, type MemberAddress, type ServerSettings } from './server-config.ts';

const settings: ServerSettings = {
  tickTimeMs: 200,
  initLimit: 10,
  syncLimit: 5,
  minSessionTimeoutMs: 400,
  maxSessionTimeoutMs: 60_000,
  reconfigEnabled: false,
  extraConfig: {},
};
const paths = { dataDir: '/tmp/e/server-1/data', dynamicConfigFile: '/tmp/e/server-1/zoo.cfg.dynamic' };

function member(id: number, role: MemberAddress['role'] = 'participant'): MemberAddress {
  return {
    id,
    role,
    host: '127.0.0.1',
    clientPort: 10_000 + id,
    quorumPort: 11_000 + id,
    electionPort: 12_000 + id,
  };
}

const lines = (text: string) => text.trimEnd().split('\n');

describe('renderServerConfig', () => {
  it('writes a plain standalone config for a single server', () => {
    const { staticConfig, dynamicConfig } = renderServerConfig(member(1), [member(1)], settings, paths);
    expect(lines(staticConfig)).toEqual([
      'tickTime=200',
      'initLimit=10',
      'syncLimit=5',
      'minSessionTimeout=400',
      'maxSessionTimeout=60000',
      'dataDir=/tmp/e/server-1/data',
      '4lw.commands.whitelist=*',
      'admin.enableServer=false',
      'clientPort=10001',
      'clientPortAddress=127.0.0.1',
    ]);
    expect(dynamicConfig).toBeUndefined();
  });

  it('lists every member, marks observers, and tells an observer what it is', () => {
    const members = [member(1), member(2), member(3), member(4, 'observer')];
    const { staticConfig } = renderServerConfig(members[3]!, members, settings, paths);
    expect(lines(staticConfig)).toEqual(
      expect.arrayContaining([
        'standaloneEnabled=false',
        'server.1=127.0.0.1:11001:12001',
        'server.3=127.0.0.1:11003:12003',
        'server.4=127.0.0.1:11004:12004:observer',
        'peerType=observer',
      ]),
    );
  });

  it('moves membership into a dynamic file when reconfig is enabled', () => {
    const members = [member(1), member(2)];
    const config = renderServerConfig(members[0]!, members, { ...settings, reconfigEnabled: true }, paths);
    expect(lines(config.staticConfig)).toEqual(
      expect.arrayContaining(['reconfigEnabled=true', `dynamicConfigFile=${paths.dynamicConfigFile}`]),
    );
    expect(config.staticConfig).not.toMatch(/^server\.|^clientPort=/m);
    expect(lines(config.dynamicConfig ?? '')).toEqual([
      'server.1=127.0.0.1:11001:12001:participant;127.0.0.1:10001',
      'server.2=127.0.0.1:11002:12002:participant;127.0.0.1:10002',
    ]);
  });

  it('keeps a single reconfigurable server out of standalone mode', () => {
    const config = renderServerConfig(member(1), [member(1)], { ...settings, reconfigEnabled: true }, paths);
    expect(config.staticConfig).toContain('standaloneEnabled=false\n');
  });

  it('lets extra settings override the defaults by coming last', () => {
    const { staticConfig } = renderServerConfig(
      member(1),
      [member(1)],
      { ...settings, extraConfig: { maxClientCnxns: 5, tickTime: 300 } },
      paths,
    );
    expect(lines(staticConfig).slice(-2)).toEqual(['maxClientCnxns=5', 'tickTime=300']);
  });
});
