import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client/index.ts';
import { isProcessAlive, LocalEnsemble } from '../ensemble/index.ts';
import { eventually } from '../../test-support/index.ts';
import { LocalKafka } from './local-kafka.ts';

// One ensemble and one three-broker cluster for the whole file: starting the JVMs is the expensive
// part. Each test leaves every broker registered again before the next one runs.
describe('a three-broker Kafka 3.9 cluster on a local ensemble', () => {
  let ensemble: LocalEnsemble;
  let kafka: LocalKafka;
  let startMs: number;

  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 1, tickTimeMs: 200 });
    const started = performance.now();
    kafka = await LocalKafka.start({
      zooKeeperConnect: ensemble.connectString,
      brokers: 3,
      chroot: '/kafka-test',
    });
    startMs = performance.now() - started;
  });

  afterAll(async () => {
    await kafka?.close();
    await ensemble?.close();
  });

  it('registers every broker under the chroot with the listener it was given, and elects a controller', async () => {
    console.log(`three brokers registered and a controller elected in ${Math.round(startMs)} ms`);
    expect(await kafka.registeredBrokerIds()).toEqual([1, 2, 3]);
    for (const broker of kafka.brokers) {
      const { data, stat } = await kafka.zooKeeper.getData(`/brokers/ids/${broker.id}`);
      const registration = JSON.parse(data.toString('utf8')) as { endpoints: string[]; port: number };
      expect(registration.endpoints).toEqual([`PLAINTEXT://${broker.address}`]);
      expect(registration.port).toBe(broker.port);
      // Ephemeral: owned by the broker's session, so it goes when the broker dies.
      expect(stat.ephemeralOwner).not.toBe(0n);
      expect(isProcessAlive(broker.pid ?? -1)).toBe(true);
      // start() returns once startup is over, not at the registration midway through it: a broker
      // paused or stopped before then dies without closing its session.
      expect(broker.hasFinishedStarting()).toBe(true);
    }
    const controller = await kafka.controller();
    expect([1, 2, 3]).toContain(controller?.brokerId);
    expect(controller?.epoch).toBeGreaterThanOrEqual(1);
    // Nothing outside the chroot: the ensemble's root holds only the chroot and ZooKeeper's own node.
    const root = await ZooKeeperClient.connect(ensemble.connectString);
    try {
      expect((await root.getChildren('/')).children.sort()).toEqual(['kafka-test', 'zookeeper']);
    } finally {
      await root.close();
    }
    expect(kafka.bootstrapServers.split(',')).toHaveLength(3);
  });

  it('moves the controller when its broker is killed, bumping /controller_epoch by one', async () => {
    const before = await kafka.waitForController();
    const killedAt = performance.now();
    await kafka.kill(before.brokerId);
    const after = await kafka.waitForController({ other: before.brokerId, timeoutMs: 30_000 });
    console.log(
      `controller failover ${before.brokerId} → ${after.brokerId} in ${Math.round(performance.now() - killedAt)} ms`,
    );
    expect(after.epoch).toBe(before.epoch + 1);
    expect(after.epochZkVersion).toBe(before.epochZkVersion + 1);

    const oldEpoch = (await kafka.registration(before.brokerId))?.czxid;
    const stat = await kafka.restart(before.brokerId);
    // A new session, a new registration: a greater czxid is a new broker epoch (KIP-380).
    expect(oldEpoch === undefined || stat.czxid > oldEpoch).toBe(true);
    expect(await kafka.registeredBrokerIds()).toEqual([1, 2, 3]);
    // The restarted broker does not take the controller back: /controller stays where it moved.
    expect((await kafka.controller())?.brokerId).toBe(after.brokerId);
  });

  it('drops a paused broker from /brokers/ids when its session expires, and it re-registers with a new epoch once resumed', async () => {
    const controller = await kafka.waitForController();
    const paused = kafka.brokers.find((broker) => broker.id !== controller.brokerId)!;
    const epochBefore = (await kafka.registration(paused.id))!.czxid;
    await kafka.pause(paused.id);
    await kafka.waitForDeregistration(paused.id, { timeoutMs: 30_000 });
    expect(await kafka.registeredBrokerIds()).not.toContain(paused.id);
    await kafka.resume(paused.id);
    const stat = await kafka.waitForRegistration(paused.id, {
      previousEpoch: epochBefore,
      timeoutMs: 60_000,
    });
    expect(stat.czxid).toBeGreaterThan(epochBefore);
  });

  it('restarts a cleanly stopped broker with its id, port and data directory', async () => {
    const broker = kafka.brokers[0]!;
    const { port } = broker;
    const stopping = performance.now();
    const exit = await kafka.stop(broker.id);
    // A clean shutdown closes the session: the registration goes well within the 6 s session timeout,
    // so an expiry cannot pass for it. (Once in a full run the node was still there the moment the
    // process had exited; the wait has a deadline below any expiry.)
    await kafka.waitForDeregistration(broker.id, { timeoutMs: 2_500 }).catch((error: unknown) => {
      throw new Error(
        `${String(error)}; the broker exited with ${JSON.stringify(exit)} after ${Math.round(performance.now() - stopping)} ms; its log:\n${broker.logTail(60)}`,
      );
    });
    expect(performance.now() - stopping).toBeLessThan(6_000);
    await kafka.restart(broker.id);
    expect(kafka.broker(broker.id).port).toBe(port);
    expect(readFileSync(broker.files.propertiesFile, 'utf8')).toContain(
      `zookeeper.connect=${kafka.zooKeeperConnect}`,
    );
  });

  it('kills every broker and removes the directory on close', async () => {
    // Only real pids: isProcessAlive(-1) would signal every process we may signal, and say "alive".
    const pids = kafka.brokers.flatMap((broker) => (broker.pid === undefined ? [] : [broker.pid]));
    expect(pids).toHaveLength(3);
    await kafka.close();
    await eventually(() => expect(pids.filter((pid) => isProcessAlive(pid))).toEqual([]), {
      timeoutMs: 5_000,
    });
    expect(existsSync(kafka.directory)).toBe(false);
  });
});
