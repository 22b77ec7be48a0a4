import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { portVariable, readPortVariables } from './port-variables.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the variable that moves a published port', () => {
  it('reads short syntax, where the bind address substitution has its own colon', () => {
    expect(portVariable('${ZK_BIND_ADDRESS:-127.0.0.1}:${ZOO1_PORT:-2181}:2181')).toEqual({
      target: 2181,
      variable: 'ZOO1_PORT',
      defaultValue: '2181',
    });
    expect(portVariable('${WEB_PORT-8080}:80/tcp')).toEqual({
      target: 80,
      variable: 'WEB_PORT',
      defaultValue: '8080',
    });
    expect(portVariable('${PORT}:3000')).toEqual({ target: 3000, variable: 'PORT', defaultValue: undefined });
  });

  it('reads long syntax, and knows a fixed or unpublished port has no variable', () => {
    expect(portVariable({ target: 9090, published: '${PROMETHEUS_PORT:-9090}' })).toMatchObject({
      target: 9090,
      variable: 'PROMETHEUS_PORT',
    });
    expect(portVariable('127.0.0.1:8080:8080')).toBeUndefined();
    expect(portVariable('3000')).toBeUndefined();
    expect(portVariable({ target: 80, published: 8080 })).toBeUndefined();
  });

  it('maps every port the shared ensemble and monitoring publish to its variable', () => {
    const variables = readPortVariables(['compose/zookeeper.yml'], root);
    expect(variables.map(({ service, target, variable }) => `${service}:${target}=${variable}`)).toEqual([
      'zoo1:2181=ZOO1_PORT',
      'zoo2:2181=ZOO2_PORT',
      'zoo3:2181=ZOO3_PORT',
      'zoo4:2181=ZOO4_PORT',
      'monitor:8080=MONITOR_PORT',
      'prometheus:9090=PROMETHEUS_PORT',
      'grafana:3000=GRAFANA_PORT',
    ]);
  });
});
