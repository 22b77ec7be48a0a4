import type { TestProject } from 'vitest/node';
import { LocalEnsemble } from '../src/ensemble/index.ts';
import { FourLetterClient } from '../src/fourletter/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** connect string of the ensemble shared by the integration tests (no chroot) */
    zkConnect: string;
    /** "user:password" of a digest super user that bypasses ACLs, when the ensemble has one */
    zkSuperAuth: string;
    /** what the shared ensemble's `srvr` says, e.g. "3.9.5-293c895…, built on …"; "" if it would not say */
    zkServerVersion: string;
  }
}

/**
 * One 3-server ensemble for the whole integration suite, or the one named by ZK_CONNECT. Tests do
 * not disturb it: each file works under its own chroot, and tests that kill or pause servers start
 * ensembles of their own (*.fault.test.ts). The server's own word for its version is printed and
 * handed to the tests, so a run of the version matrix shows what it really ran against.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.ZK_CONNECT;
  if (external) {
    project.provide('zkConnect', external);
    project.provide('zkSuperAuth', process.env.ZK_SUPER_AUTH ?? '');
    project.provide('zkServerVersion', await serverVersion(external.split(',')[0] ?? ''));
    return async () => {};
  }
  const superUser = { user: 'super', password: 'super-secret' };
  const ensemble = await LocalEnsemble.start({
    servers: 3,
    tickTimeMs: 500,
    containerCheckIntervalMs: 500,
    superUser,
  });
  const reported = await serverVersion(ensemble.members[0]?.address ?? '');
  const expected = ensemble.zooKeeper.version;
  // A classpath that loads another server than the one chosen (a stray jar first) must not pass
  // for the version the run claims to test.
  if (expected && !reported.startsWith(`${expected}-`) && reported !== expected) {
    await ensemble.close();
    throw new Error(
      `the integration ensemble reports ZooKeeper "${reported}", but ${ensemble.zooKeeper.description} is ${expected}`,
    );
  }
  console.log(`integration ensemble: ZooKeeper ${reported} (${ensemble.zooKeeper.description})`);
  project.provide('zkConnect', ensemble.connectString);
  project.provide('zkSuperAuth', `${superUser.user}:${superUser.password}`);
  project.provide('zkServerVersion', reported);
  return async () => {
    await ensemble.close();
  };
}

async function serverVersion(address: string): Promise<string> {
  try {
    const stats = await FourLetterClient.forAddress(address).srvr({ timeoutMs: 5_000 });
    return stats.serving ? stats.version : '';
  } catch {
    // An external ensemble may not allow srvr; tests that depend on the version then say so.
    return '';
  }
}
