import {
  isZooKeeperError,
  MultiError,
  op,
  ZooKeeperError,
  type MultiOp,
  type MultiResult,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';

/**
 * Kafka's controller election (ZooKeeper mode, KafkaZkClient.registerControllerAndIncrementControllerEpoch)
 * rebuilt small, beside the real thing the inspector shows: whoever creates the ephemeral
 * `/controller` in the same transaction that bumps `/controller_epoch` (checked against the version
 * it read) is controller, and `/controller_epoch`'s new zkVersion is its fencing token. Every later
 * write it makes is a transaction that starts by checking that version, so once a newer controller
 * has bumped the epoch, a controller that was paused (a GC pause, a stalled VM) and still believes in
 * itself has every write rejected, atomically, by ZooKeeper.
 */
export const CONTROLLER_PATH = '/controller';
export const CONTROLLER_EPOCH_PATH = '/controller_epoch';

/** What the winner holds: its epoch and the zkVersion its writes check. */
export interface ControllerTerm {
  readonly brokerId: number;
  readonly epoch: number;
  readonly epochZkVersion: number;
}

/** A write by a controller whose epoch is no longer the current one: it must resign. */
export class ControllerMovedError extends Error {
  override name = 'ControllerMovedError';

  constructor(
    readonly term: ControllerTerm,
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(
      `${operation}: broker ${term.brokerId} is no longer controller (its epoch ${term.epoch}, ` +
        `/controller_epoch zkVersion ${term.epochZkVersion}, was superseded)`,
      options,
    );
  }
}

/**
 * Tries once to become controller. Resolves with the term when this broker won, undefined when
 * another holds `/controller` (the caller watches it and tries again when it is deleted).
 */
export async function electController(
  client: ZooKeeperClient,
  brokerId: number,
): Promise<ControllerTerm | undefined> {
  if (await client.exists(CONTROLLER_PATH)) return undefined;
  const { epoch, zkVersion } = await readOrCreateEpoch(client);
  const registration = JSON.stringify({ version: 2, brokerid: brokerId, timestamp: String(Date.now()) });
  try {
    const results = await client.multi([
      op.create(CONTROLLER_PATH, registration, { mode: 'ephemeral' }),
      op.setData(CONTROLLER_EPOCH_PATH, String(epoch + 1), zkVersion),
    ]);
    return { brokerId, epoch: epoch + 1, epochZkVersion: epochStat(results) };
  } catch (error) {
    // Someone else created /controller or bumped the epoch first: they won this round. (Kafka also
    // re-reads here to recognise its own win whose response was lost to a disconnect.)
    if (error instanceof MultiError && (error.code === 'NODEEXISTS' || error.code === 'BADVERSION')) {
      return undefined;
    }
    throw error;
  }
}

/**
 * A controller's write, fenced: the transaction first checks `/controller_epoch` still has the
 * version this controller's election produced. Rejected as a whole when a newer controller exists.
 */
export async function writeAsController(
  client: ZooKeeperClient,
  term: ControllerTerm,
  ops: readonly MultiOp[],
): Promise<MultiResult[]> {
  try {
    const results = await client.multi([op.check(CONTROLLER_EPOCH_PATH, term.epochZkVersion), ...ops]);
    return results.slice(1);
  } catch (error) {
    if (error instanceof MultiError && error.failedIndex === 0 && error.code === 'BADVERSION') {
      throw new ControllerMovedError(term, 'writeAsController', { cause: error });
    }
    throw error;
  }
}

async function readOrCreateEpoch(client: ZooKeeperClient): Promise<{ epoch: number; zkVersion: number }> {
  try {
    const { data, stat } = await client.getData(CONTROLLER_EPOCH_PATH);
    return { epoch: Number(data.toString('utf8')), zkVersion: stat.version };
  } catch (error) {
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
  // The first election ever: epoch 0 at zkVersion 0. Two brokers may race here; one create wins,
  // and the loser reads what the winner wrote.
  try {
    await client.create(CONTROLLER_EPOCH_PATH, '0');
    return { epoch: 0, zkVersion: 0 };
  } catch (error) {
    if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    return readOrCreateEpoch(client);
  }
}

function epochStat(results: readonly MultiResult[]): number {
  const bump = results[1];
  if (bump?.type !== 'setData') {
    throw new ZooKeeperError('MARSHALLINGERROR', {
      operation: 'electController',
      path: CONTROLLER_EPOCH_PATH,
      detail: 'the transaction did not answer the epoch bump with a Stat',
    });
  }
  return bump.stat.version;
}
