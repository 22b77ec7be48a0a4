import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '@zk-cookbook/core/ensemble';
import { op, ZooKeeperClient } from '@zk-cookbook/core/client';
import { eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONTROLLER_EPOCH_PATH,
  CONTROLLER_PATH,
  ControllerMovedError,
  electController,
  writeAsController,
} from '../src/controller-election/epoch-controller-election.ts';

const fixture = fileURLToPath(new URL('./fixtures/stale-controller.ts', import.meta.url));
const STATE = '/partition-state';

/** The old controller, in its own process: lines it prints arrive as parsed JSON, in order. */
function startControllerProcess(connectString: string, brokerId: number) {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', fixture, connectString, String(brokerId), STATE],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) =>
    lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  const next = (event: string) =>
    eventually(
      () => {
        const index = lines.findIndex((line) => line.event !== undefined);
        expect(index).toBeGreaterThanOrEqual(0);
        const [line] = lines.splice(index, 1);
        expect(line).toMatchObject({ event });
        return line!;
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
  return { child, next, send: (line: string) => child.stdin!.write(`${line}\n`) };
}

describe('controller election fenced by /controller_epoch (Kafka ZooKeeper mode, in TypeScript)', () => {
  const dedicated = useDedicatedEnsemble({ servers: 1 });
  let oldController: ChildProcess | undefined;

  afterAll(async () => {
    if (oldController?.pid && isProcessAlive(oldController.pid)) {
      oldController.kill('SIGKILL');
      await once(oldController, 'exit');
    }
  });

  it('rejects the late write of a controller that was paused while another took over', async () => {
    const zooKeeper = await ZooKeeperClient.connect(dedicated.ensemble.connectString);
    try {
      await zooKeeper.create(STATE, JSON.stringify({ leader: -1 }));
      const first = startControllerProcess(dedicated.ensemble.connectString, 1);
      oldController = first.child;
      const elected = (await first.next('elected')).term as { epoch: number; epochZkVersion: number };
      // The first election ever: /controller_epoch created at 0 and bumped to 1 in the same multi.
      expect(elected).toMatchObject({ brokerId: 1, epoch: 1, epochZkVersion: 1 });
      // While broker 1 holds /controller, broker 2 loses.
      expect(await electController(zooKeeper, 2)).toBeUndefined();

      first.send('write 1');
      await first.next('written');
      expect(JSON.parse((await zooKeeper.getData(STATE)).data.toString())).toEqual({ leader: 1 });

      // A long pause: its session expires, /controller goes, broker 2 wins with the next epoch.
      first.child.kill('SIGSTOP');
      await eventually(async () => expect(await zooKeeper.exists(CONTROLLER_PATH)).toBeNull(), {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
      const second = await electController(zooKeeper, 2);
      expect(second).toEqual({ brokerId: 2, epoch: 2, epochZkVersion: 2 });
      await writeAsController(zooKeeper, second!, [op.setData(STATE, JSON.stringify({ leader: 2 }))]);

      // Broker 1 wakes up still believing it is controller, gets a new session, and writes: the
      // epoch check fails, so the whole transaction is rejected and the state stays broker 2's.
      first.child.kill('SIGCONT');
      first.send('write 1');
      const rejected = await first.next('rejected');
      expect(rejected.error).toBe(ControllerMovedError.name);
      expect(JSON.parse((await zooKeeper.getData(STATE)).data.toString())).toEqual({ leader: 2 });
      expect((await zooKeeper.getData(CONTROLLER_EPOCH_PATH)).data.toString()).toBe('2');
      expect(JSON.parse((await zooKeeper.getData(CONTROLLER_PATH)).data.toString())).toMatchObject({
        brokerid: 2,
      });
    } finally {
      await zooKeeper.close();
    }
  });

  it('lets only one of several brokers racing for an empty /controller win, each election one epoch up', async () => {
    const clients = await Promise.all(
      [3, 4, 5].map(() => ZooKeeperClient.connect(dedicated.ensemble.connectString)),
    );
    try {
      // The previous test's controller (broker 2) left with its session: the seat is empty.
      await eventually(async () => expect(await clients[0]!.exists(CONTROLLER_PATH)).toBeNull(), {
        timeoutMs: 10_000,
      });
      const before = Number((await clients[0]!.getData(CONTROLLER_EPOCH_PATH)).data.toString());
      const terms = await Promise.all(clients.map((client, index) => electController(client, index + 3)));
      const winners = terms.filter((term) => term !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.epoch).toBe(before + 1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
