import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { JavaNotFoundError } from './errors.ts';

/** Finds the `java` launcher: `$JAVA_HOME/bin/java` first (what the ZooKeeper scripts do), then PATH. */
export function locateJava(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(join(env.JAVA_HOME, 'bin', 'java'));
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (directory) candidates.push(join(directory, 'java'));
  }
  const found = candidates.find(isExecutable);
  if (!found) {
    const looked = [
      ...(env.JAVA_HOME ? [`$JAVA_HOME/bin (${env.JAVA_HOME}/bin)`] : []),
      `PATH (${env.PATH ?? ''})`,
    ];
    throw new JavaNotFoundError(looked);
  }
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
