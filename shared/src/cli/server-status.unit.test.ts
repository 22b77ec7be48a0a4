import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseServerStats, type ServingServerStats } from '../fourletter/index.ts';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { fetchServerStatus, formatStatusTable } from './server-status.ts';

describe('formatStatusTable', () => {
  it('shows the numbers of serving servers and a dash for the others', () => {
    const leader = parseServerStats(readFixture('srvr-leader')) as ServingServerStats;
    const table = formatStatusTable([
      { address: '127.0.0.1:30001', mode: 'leader', stats: leader },
      { address: '127.0.0.1:30002', mode: 'down' },
    ]);
    const [header, first, second] = table.split('\n');
    expect(header).toMatch(
      /^SERVER\s+MODE\s+ZXID\s+CONNECTIONS\s+OUTSTANDING\s+LATENCY MS MIN\/AVG\/MAX\s+ZNODES$/,
    );
    expect(first?.split(/\s{2,}/)).toEqual([
      '127.0.0.1:30001',
      'leader',
      '0x100000000',
      '1',
      '0',
      '0/0/0',
      '5',
    ]);
    expect(second?.split(/\s{2,}/)).toEqual(['127.0.0.1:30002', 'down', '-', '-', '-', '-', '-']);
  });
});

describe('fetchServerStatus', () => {
  it('reports a server that refuses connections as down', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    await expect(fetchServerStatus(`127.0.0.1:${port}`, 1_000)).resolves.toEqual({
      address: `127.0.0.1:${port}`,
      mode: 'down',
    });
  });

  it('reports a server without quorum as not-serving', async () => {
    const server = createServer((socket) =>
      socket.once('data', () => socket.end(readFixture('srvr-not-serving'))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(fetchServerStatus(`127.0.0.1:${port}`, 1_000)).resolves.toMatchObject({
        mode: 'not-serving',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
