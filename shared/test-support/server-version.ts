import { compareVersions } from '../src/ensemble/index.ts';

/** "3.9.5-293c895…, built on …" (srvr's version line) is at least "3.9". */
export function versionAtLeast(version: string, minimum: string): boolean {
  const release = /^\d+(\.\d+)*/.exec(version)?.[0];
  if (!release) throw new Error(`not a version: "${version}"`);
  return compareVersions(release, minimum) >= 0;
}
