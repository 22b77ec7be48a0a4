import { describe, expect, it } from 'vitest';
import { ZooKeeperError, type Stat, type ZooKeeperClient } from '../../client/index.ts';
import { conditionalWrite } from './conditional-write.ts';

/**
 * A one-node stand-in for the server, to drive conditionalWrite through the moment a real fault
 * cannot be timed precisely: the reply to a write is lost, before or after the write was applied.
 */
class OneNodeServer {
  node: { version: number; data: Buffer } | null = null;
  /** what happens to the next write */
  nextWrite: 'ok' | 'lostBeforeApply' | 'lostAfterApply' | 'sessionExpired' = 'ok';
  /** another client's write, applied right after the next write's reply is lost */
  interleavedWrite = false;
  writes = 0;
  syncs = 0;
  /** reads after a lost reply fail this many times (the connection is still down) */
  readFailures = 0;

  client(): ZooKeeperClient {
    const fake = {
      state: 'connected',
      on: () => fake,
      off: () => fake,
      sync: async () => {
        this.syncs++;
        if (this.readFailures > 0) {
          this.readFailures--;
          throw new ZooKeeperError('CONNECTIONLOSS');
        }
      },
      exists: async () => (this.node ? stat(this.node.version) : null),
      setData: async (_path: string, data: Buffer, options: { version: number }) =>
        this.write(() => {
          if (!this.node) throw new ZooKeeperError('NONODE');
          if (this.node.version !== options.version) throw new ZooKeeperError('BADVERSION');
          this.node = { version: this.node.version + 1, data };
        }),
      create2: async (_path: string, data: Buffer) =>
        this.write(() => {
          if (this.node) throw new ZooKeeperError('NODEEXISTS');
          this.node = { version: 0, data };
        }).then((written) => ({ path: '/n', stat: written })),
    };
    return fake as unknown as ZooKeeperClient;
  }

  private async write(apply: () => void): Promise<Stat> {
    const mode = this.nextWrite;
    this.nextWrite = 'ok';
    if (mode === 'sessionExpired') throw new ZooKeeperError('SESSIONEXPIRED');
    if (mode === 'lostBeforeApply') {
      this.interleave();
      throw new ZooKeeperError('CONNECTIONLOSS');
    }
    apply();
    this.writes++;
    if (mode === 'lostAfterApply') {
      this.interleave();
      throw new ZooKeeperError('CONNECTIONLOSS');
    }
    return stat(this.node!.version);
  }

  private interleave(): void {
    if (!this.interleavedWrite || !this.node) return;
    this.node = { version: this.node.version + 1, data: Buffer.from('other') };
  }
}

function stat(version: number): Stat {
  return { version } as Stat;
}

const never = new AbortController().signal;
const options = { recipe: 'Test', signal: never };

describe('conditionalWrite', () => {
  it('writes when the version matches, and reports a lost race without writing', async () => {
    const server = new OneNodeServer();
    server.node = { version: 3, data: Buffer.from('a') };
    const client = server.client();
    expect(await conditionalWrite(client, '/n', Buffer.from('b'), { version: 3 }, options)).toEqual({
      written: true,
      stat: stat(4),
    });
    expect(await conditionalWrite(client, '/n', Buffer.from('c'), { version: 3 }, options)).toEqual({
      written: false,
    });
    expect(await conditionalWrite(client, '/n', Buffer.from('c'), 'absent', options)).toEqual({
      written: false,
    });
    expect(server.node.data.toString()).toBe('b');
  });

  it('sends again a write whose reply was lost when reading back proves it was not applied', async () => {
    const server = new OneNodeServer();
    server.node = { version: 3, data: Buffer.from('a') };
    server.nextWrite = 'lostBeforeApply';
    server.readFailures = 2;
    const result = await conditionalWrite(server.client(), '/n', Buffer.from('b'), { version: 3 }, options);
    expect(result).toEqual({ written: true, stat: stat(4) });
    expect(server.writes).toBe(1);
    expect(server.syncs).toBe(3);
  });

  it('never applies a write twice: a lost reply to an applied write is UNKNOWN_OUTCOME', async () => {
    const server = new OneNodeServer();
    server.node = { version: 3, data: Buffer.from('a') };
    server.nextWrite = 'lostAfterApply';
    await expect(
      conditionalWrite(server.client(), '/n', Buffer.from('b'), { version: 3 }, options),
    ).rejects.toMatchObject({ code: 'UNKNOWN_OUTCOME', path: '/n' });
    expect(server.writes).toBe(1);
  });

  it('cannot tell its lost write from another client’s: UNKNOWN_OUTCOME, not a second write', async () => {
    const server = new OneNodeServer();
    server.node = { version: 3, data: Buffer.from('a') };
    server.nextWrite = 'lostBeforeApply';
    server.interleavedWrite = true;
    await expect(
      conditionalWrite(server.client(), '/n', Buffer.from('b'), { version: 3 }, options),
    ).rejects.toMatchObject({ code: 'UNKNOWN_OUTCOME' });
    expect(server.writes).toBe(0);
  });

  it('settles a lost create the same way', async () => {
    const applied = new OneNodeServer();
    applied.nextWrite = 'lostAfterApply';
    await expect(
      conditionalWrite(applied.client(), '/n', Buffer.from('b'), 'absent', options),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_OUTCOME',
    });
    const notApplied = new OneNodeServer();
    notApplied.nextWrite = 'lostBeforeApply';
    expect(await conditionalWrite(notApplied.client(), '/n', Buffer.from('b'), 'absent', options)).toEqual({
      written: true,
      stat: stat(0),
    });
  });

  it('retries a write refused because the session had expired (it was not applied)', async () => {
    const server = new OneNodeServer();
    server.node = { version: 0, data: Buffer.from('a') };
    server.nextWrite = 'sessionExpired';
    expect(await conditionalWrite(server.client(), '/n', Buffer.from('b'), { version: 0 }, options)).toEqual({
      written: true,
      stat: stat(1),
    });
  });

  it('giving up while a write is in doubt is UNKNOWN_OUTCOME; before any write, the signal’s reason', async () => {
    const server = new OneNodeServer();
    server.node = { version: 0, data: Buffer.from('a') };
    server.nextWrite = 'lostBeforeApply';
    server.readFailures = 1;
    const controller = new AbortController();
    const client = server.client();
    (client as unknown as { state: string }).state = 'suspended';
    const pending = conditionalWrite(
      client,
      '/n',
      Buffer.from('b'),
      { version: 0 },
      {
        recipe: 'Test',
        signal: controller.signal,
      },
    );
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toMatchObject({ code: 'UNKNOWN_OUTCOME' });
    await expect(
      conditionalWrite(
        client,
        '/n',
        Buffer.from('b'),
        { version: 0 },
        { recipe: 'Test', signal: controller.signal },
      ),
    ).rejects.toThrow('stop');
  });
});
