import { pathToFileURL } from 'node:url';
import { CheckFailure } from './check-report.ts';

/**
 * Imports the starter or solution and returns it as the module the checker expects, failing the check
 * with a clear hint when the file does not load or a function was renamed or removed. (The types are
 * held at compile time too: each checker states that the starter and the solution conform.)
 */
export async function loadExerciseModule<Module>(
  modulePath: string,
  functionNames: readonly (keyof Module & string)[],
): Promise<Module> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CheckFailure(`${modulePath} does not load: ${(error as Error).message}`);
  }
  const missing = functionNames.filter((name) => typeof loaded[name] !== 'function');
  if (missing.length > 0) {
    throw new CheckFailure(
      `${modulePath} must export the function(s) ${missing.join(', ')} with the signature its README gives`,
    );
  }
  return loaded as Module;
}

/** `Conforms<typeof import('starter.ts'), Module>` fails to compile when the starter drifts from the contract. */
export type Conforms<Actual extends Expected, Expected> = Actual;
