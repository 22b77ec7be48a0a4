import type { TestProject } from 'vitest/node';
import { LocalEnsemble } from '../src/ensemble/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** connect string of the ensemble shared by the integration tests (no chroot) */
    zkConnect: string;
    /** "user:password" of a digest super user that bypasses ACLs, when the ensemble has one */
    zkSuperAuth: string;
  }
}

/**
 * One 3-server ensemble for the whole integration suite, or the one named by ZK_CONNECT. Tests do
 * not disturb it: each file works under its own chroot, and tests that kill or pause servers start
 * ensembles of their own (*.fault.test.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.ZK_CONNECT;
  if (external) {
    project.provide('zkConnect', external);
    project.provide('zkSuperAuth', process.env.ZK_SUPER_AUTH ?? '');
    return async () => {};
  }
  const superUser = { user: 'super', password: 'super-secret' };
  const ensemble = await LocalEnsemble.start({
    servers: 3,
    tickTimeMs: 500,
    containerCheckIntervalMs: 500,
    superUser,
  });
  project.provide('zkConnect', ensemble.connectString);
  project.provide('zkSuperAuth', `${superUser.user}:${superUser.password}`);
  return async () => {
    await ensemble.close();
  };
}
