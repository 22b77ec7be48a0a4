/**
 * Resolves with the first SIGINT or SIGTERM, then stops listening for them: the caller shuts down
 * cleanly, and a second Ctrl-C meets Node's default handler (or the ensemble's process guard) and
 * ends the process at once, which is what a user pressing it twice wants.
 */
export function untilShutdownSignal(
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const each of signals) process.off(each, onSignal);
      resolve(signal);
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
}
