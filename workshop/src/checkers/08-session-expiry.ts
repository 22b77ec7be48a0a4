import type { Stat, ZooKeeperClient } from '@zk-cookbook/core/client';
import { expireSession } from '@zk-cookbook/core/ensemble';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { waitFor, withDeadline } from '../waiting.ts';
import type * as Starter from '../../exercises/08-session-expiry/starter.ts';
import type * as Solution from '../../solutions/08-session-expiry/registration.ts';

/** What exercise 8's starter and solution export. */
export interface RegistrationExercise {
  /**
   * Keeps an ephemeral node at `path` holding `data` for as long as the registration lasts, whatever
   * happens to the client's session, until stop().
   */
  register(client: ZooKeeperClient, path: string, data: string): Promise<{ stop(): Promise<void> }>;
}

export type StarterConforms = Conforms<typeof Starter, RegistrationExercise>;
export type SolutionConforms = Conforms<typeof Solution, RegistrationExercise>;

const SERVICE = '/services/worker-1';
const hex = (sessionId: bigint): string => `0x${sessionId.toString(16)}`;

export async function checkSessionExpiry(context: CheckContext): Promise<void> {
  let exercise: RegistrationExercise | undefined;
  await context.check('the module exports register', async () => {
    exercise = await loadExerciseModule<RegistrationExercise>(context.modulePath, ['register']);
  });
  if (!exercise) return;

  const admin = await context.connect();
  await admin.create('/services');
  // The client renews its session after an expiry (renewSessionOnExpiry, the default): the process
  // lives on with a new session, which is exactly when a registration silently disappears.
  const client = await context.connect();
  // sync first: the checker's client may sit on a server that has not applied the latest change yet.
  const owner = async (): Promise<Stat | null> => {
    await admin.sync('/services');
    return admin.exists(SERVICE);
  };
  const describeOwner = async (): Promise<string> => {
    const stat = await owner();
    return stat
      ? `${SERVICE} is owned by session ${hex(stat.ephemeralOwner)}; the client's session is ${hex(client.sessionId)}`
      : `${SERVICE} does not exist; the client's session is ${hex(client.sessionId)}`;
  };
  const ownedByClient = async (): Promise<true | undefined> => {
    const stat = await owner();
    return stat && stat.ephemeralOwner === client.sessionId && client.state === 'connected'
      ? true
      : undefined;
  };
  let registration: { stop(): Promise<void> } | undefined;

  await context.check('registers an ephemeral node owned by the session', async () => {
    registration = await exercise!.register(client, SERVICE, 'host-1:8080');
    await waitFor(ownedByClient, {
      timeoutMs: 3_000,
      hint: (seen) => `expected an ephemeral ${SERVICE} owned by the client's session: ${seen}`,
      describe: describeOwner,
    });
  });
  const registered = 'registers an ephemeral node owned by the session';

  await context.check(
    'a dropped connection is not an expiry: the same node stays',
    async () => {
      const before = (await owner())!.czxid;
      const sessionId = client.sessionId;
      const resumed = new Promise<void>((resolve) => client.once('reconnected', () => resolve()));
      client.dropConnection();
      await withDeadline(resumed, 8_000, 'the client did not resume its session after a dropped connection');
      if (client.sessionId !== sessionId) throw new CheckFailure('the session changed on a mere reconnect');
      const after = await owner();
      if (!after || after.czxid !== before) {
        throw new CheckFailure(
          `after a reconnect to the same session the node was ${after ? 're-created' : 'gone'}. The session, and so ` +
            'its ephemerals, survive a lost connection ("suspended" then "reconnected"): nothing to redo.',
        );
      }
    },
    { needs: [registered] },
  );

  await context.check(
    'after the session expires, the node comes back under the new session',
    async () => {
      const expired = client.sessionId;
      await expireSession(context.ensembleConnectString, {
        sessionId: expired,
        sessionPassword: client.sessionPassword,
      });
      await waitFor(ownedByClient, {
        timeoutMs: 8_000,
        hint: (seen) =>
          `session ${hex(expired)} expired, so the servers deleted its ephemerals. The client started a new ` +
          `session ("lost", then "connected"), but ${seen}. Re-create the node when a new session starts.`,
        describe: describeOwner,
      });
      return `${hex(expired)} → ${hex(client.sessionId)}`;
    },
    { needs: [registered] },
  );

  await context.check(
    'stop() removes the node, and it stays removed after another expiry',
    async () => {
      await registration!.stop();
      if (await owner()) throw new CheckFailure(`${SERVICE} still exists after stop()`);
      const expired = client.sessionId;
      await expireSession(context.ensembleConnectString, {
        sessionId: expired,
        sessionPassword: client.sessionPassword,
      });
      await waitFor(() => (client.state === 'connected' && client.sessionId !== expired ? true : undefined), {
        timeoutMs: 8_000,
        hint: () => `the client did not start a new session after ${hex(expired)} expired`,
      });
      // A re-registration starts on the "connected" event, before this wait returns; one session's
      // requests are answered in order, so this exists is answered after any such create.
      if (await client.exists(SERVICE)) {
        throw new CheckFailure(
          `${SERVICE} came back after stop(): stop listening for new sessions in stop()`,
        );
      }
    },
    { needs: ['after the session expires, the node comes back under the new session'] },
  );
}
