import { describe, expect, it } from 'vitest';
import { parseContainerStatuses } from './container-status.ts';

const zoo1 = {
  Name: 'compose-zoo1-1',
  Service: 'zoo1',
  State: 'running',
  Health: 'healthy',
  ExitCode: 0,
  Publishers: [
    { URL: '127.0.0.1', TargetPort: 2181, PublishedPort: 2181, Protocol: 'tcp' },
    { TargetPort: 7000, PublishedPort: 0 },
  ],
};
const publisher = {
  Name: 'compose-publisher-1',
  Service: 'publisher',
  State: 'exited',
  Health: '',
  ExitCode: 1,
  Publishers: null,
};

describe('docker compose ps --format json', () => {
  it('reads the one-object-per-line output of Compose 2.21+ and the array of earlier releases', () => {
    const lines = `${JSON.stringify(zoo1)}\n${JSON.stringify(publisher)}\n`;
    const array = JSON.stringify([zoo1, publisher]);
    const expected = [
      {
        service: 'zoo1',
        name: 'compose-zoo1-1',
        state: 'running',
        health: 'healthy',
        exitCode: 0,
        publishedPorts: [2181],
      },
      {
        service: 'publisher',
        name: 'compose-publisher-1',
        state: 'exited',
        health: '',
        exitCode: 1,
        publishedPorts: [],
      },
    ];
    expect(parseContainerStatuses(lines)).toEqual(expected);
    expect(parseContainerStatuses(array)).toEqual(expected);
    expect(parseContainerStatuses('\n')).toEqual([]);
  });
});
