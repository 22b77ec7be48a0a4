import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { expireSession } from '@zk-cookbook/core/ensemble';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { stillPendingAfter, waitFor, withDeadline } from '../waiting.ts';
import type * as Starter from '../../exercises/04-leader-fencing/starter.ts';
import type * as Solution from '../../solutions/04-leader-fencing/leader.ts';

export interface Leadership {
  /** the czxid of this leader's election node: larger for every later leader */
  readonly fencingToken: bigint;
  resign(): Promise<void>;
}

/** What exercise 4's starter and solution export. */
export interface LeaderExercise {
  /** Resolves once this client leads among the clients campaigning under `electionDirectory`. */
  campaign(client: ZooKeeperClient, electionDirectory: string): Promise<Leadership>;
  /**
   * Writes `value` into the resource node (JSON `{"token": "<decimal>", "value": "…"}`) unless a newer
   * token has written it: true if written, false if refused.
   */
  fencedWrite(
    client: ZooKeeperClient,
    resourcePath: string,
    fencingToken: bigint,
    value: string,
  ): Promise<boolean>;
}

export type StarterConforms = Conforms<typeof Starter, LeaderExercise>;
export type SolutionConforms = Conforms<typeof Solution, LeaderExercise>;

const ELECTION = '/election';
const RESOURCE = '/resource';

export async function checkLeaderFencing(context: CheckContext): Promise<void> {
  let exercise: LeaderExercise | undefined;
  await context.check('the module exports campaign and fencedWrite', async () => {
    exercise = await loadExerciseModule<LeaderExercise>(context.modulePath, ['campaign', 'fencedWrite']);
  });
  if (!exercise) return;
  const { campaign, fencedWrite } = exercise;

  const admin = await context.connect();
  await admin.create(ELECTION);
  await admin.create(RESOURCE, JSON.stringify({ token: '0', value: '' }));
  const first = await context.connect();
  const second = await context.connect();
  let firstLeadership: Leadership | undefined;
  let secondLeadership: Leadership | undefined;
  let firstSessionId = 0n;
  // The checker's client may sit on another server than the writer's, one that has not applied the
  // write yet: sync first, or it reads the past (the read-your-writes gap of docs/theory/cap.md).
  const resourceValue = async (): Promise<string> => {
    await admin.sync(RESOURCE);
    return (JSON.parse((await admin.getData(RESOURCE)).data.toString('utf8')) as { value: string }).value;
  };

  await context.check(
    "one leader at a time; the next takes over when the leader's session ends",
    async () => {
      firstLeadership = await withDeadline(
        campaign(first, ELECTION),
        5_000,
        'the only candidate never became leader',
      );
      const secondCampaign = campaign(second, ELECTION);
      if (!(await stillPendingAfter(secondCampaign, 700))) {
        throw new CheckFailure('a second candidate became leader while the first still led');
      }
      firstSessionId = first.sessionId;
      await expireSession(context.ensembleConnectString, {
        sessionId: first.sessionId,
        sessionPassword: first.sessionPassword,
      });
      secondLeadership = await withDeadline(
        secondCampaign,
        5_000,
        "the leader's session expired (its ephemeral node is gone) but the second candidate never took over",
      );
    },
  );
  const elected = "one leader at a time; the next takes over when the leader's session ends";

  await context.check(
    'every new leader gets a larger fencing token (the czxid of its node)',
    async () => {
      const [old, current] = [firstLeadership!.fencingToken, secondLeadership!.fencingToken];
      if (old <= 0n || current <= old) {
        throw new CheckFailure(
          `tokens were ${old} then ${current}: use the czxid of the leader's own election node ` +
            '(create2 returns its Stat). Every transaction gets a larger zxid, so a later leader has a larger token.',
        );
      }
      return `tokens ${formatZxid(old)} then ${formatZxid(current)}`;
    },
    { needs: [elected] },
  );

  await context.check(
    "the current leader's write is accepted",
    async () => {
      const written = await fencedWrite(
        second,
        RESOURCE,
        secondLeadership!.fencingToken,
        'from-current-leader',
      );
      const value = await resourceValue();
      if (!written || value !== 'from-current-leader') {
        throw new CheckFailure(`fencedWrite returned ${written} and the resource holds "${value}"`);
      }
    },
    { needs: [elected] },
  );

  await context.check(
    "a deposed leader's write is refused",
    async () => {
      // The first leader's campaign resolved long ago; its session expired without it noticing (think
      // of a long GC pause). Its client has quietly started a new session, it still believes it leads,
      // and it writes with its old token.
      await waitFor(
        () => (first.state === 'connected' && first.sessionId !== firstSessionId ? true : undefined),
        { timeoutMs: 8_000, hint: () => "the deposed leader's client did not start a new session" },
      );
      const written = await fencedWrite(
        first,
        RESOURCE,
        firstLeadership!.fencingToken,
        'from-deposed-leader',
      );
      const value = await resourceValue();
      if (written || value !== 'from-current-leader') {
        throw new CheckFailure(
          `a write with the old token ${firstLeadership!.fencingToken} was ${written ? 'accepted' : 'reported refused'} and ` +
            `the resource now holds "${value}". Read the token stored in the resource and refuse to write when it ` +
            `is newer than yours. (Tokens: deposed ${firstLeadership!.fencingToken}, current ` +
            `${secondLeadership!.fencingToken}; equal tokens cannot tell them apart: fix the token first.)`,
        );
      }
    },
    { needs: ["the current leader's write is accepted"] },
  );

  await context.check(
    'a write that races a newer leader is refused (compare-and-set on the version)',
    async () => {
      const newerToken = secondLeadership!.fencingToken + 1n;
      let interleaved = false;
      // The newer leader writes between this leader's read of the token and its write: a check that is
      // not tied to the version it read lets the older write land on top.
      const racing = interleaveAfterGetData(second, async () => {
        interleaved = true;
        await admin.setData(
          RESOURCE,
          JSON.stringify({ token: newerToken.toString(), value: 'from-newer-leader' }),
        );
      });
      const written = await fencedWrite(racing, RESOURCE, secondLeadership!.fencingToken, 'racing-write');
      if (!interleaved) {
        throw new CheckFailure(
          'fencedWrite never read the resource with getData, so the race could not be staged',
        );
      }
      const value = await resourceValue();
      if (written || value !== 'from-newer-leader') {
        throw new CheckFailure(
          `the newer leader's write was overwritten: the resource holds "${value}". Pass the version of the ` +
            'Stat you read to setData({ version }): the server then refuses (BADVERSION) a write based on a ' +
            'stale read; answer false.',
        );
      }
    },
    { needs: ["the current leader's write is accepted"] },
  );

  await secondLeadership?.resign();
}

/** The same client, except that each getData reply is held back until `between` has run (once). */
function interleaveAfterGetData(client: ZooKeeperClient, between: () => Promise<void>): ZooKeeperClient {
  let done = false;
  return new Proxy(client, {
    get(target, property) {
      if (property === 'getData') {
        return async (...args: Parameters<ZooKeeperClient['getData']>) => {
          const reply = await target.getData(...args);
          if (!done) {
            done = true;
            await between();
          }
          return reply;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A zxid as ZooKeeper prints it, with its two halves: the leader's epoch and the counter within it. */
function formatZxid(zxid: bigint): string {
  return `0x${zxid.toString(16)} (epoch ${zxid >> 32n}, counter ${zxid & 0xffffffffn})`;
}
