import type { StateChange, ZooKeeperClient } from '../../client/index.ts';
import { isConnectionLossClass, isZooKeeperError } from '../../client/index.ts';

/**
 * Waits until the client has a usable connection. Rejects with the signal's reason when it fires,
 * or when the client closes for good.
 */
export async function waitForConnection(client: ZooKeeperClient, signal: AbortSignal): Promise<void> {
  if (client.state === 'connected' || client.state === 'readOnly') return;
  signal.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      client.off('state', onState);
      signal.removeEventListener('abort', onAbort);
    };
    const onState = (change: StateChange): void => {
      if (change.state === 'connected' || change.state === 'readOnly') {
        cleanup();
        resolve();
      } else if (change.state === 'closed' || change.state === 'authFailed') {
        cleanup();
        reject(new Error(`the ZooKeeper client is ${change.state}`));
      }
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason);
    };
    client.on('state', onState);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs an idempotent ZooKeeper call, and after a connection-loss-class failure waits for the
 * connection and runs it again, until it succeeds, fails otherwise, or the signal fires.
 * Only for calls that are safe to repeat (reads, deletes, versioned or fixed-name writes).
 */
export async function retryIdempotent<T>(
  client: ZooKeeperClient,
  call: () => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  for (;;) {
    signal.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
      await waitForConnection(client, signal);
    }
  }
}

export interface SessionListeners {
  onSuspended?: (change: StateChange) => void;
  onLost?: (change: StateChange) => void;
  onReconnected?: (change: StateChange) => void;
  onClosed?: (change: StateChange) => void;
}

/** Subscribes to the connection events a recipe reacts to; returns the unsubscribe function. */
export function watchConnection(client: ZooKeeperClient, listeners: SessionListeners): () => void {
  const onState = (change: StateChange): void => {
    switch (change.event) {
      case 'suspended':
        listeners.onSuspended?.(change);
        break;
      case 'lost':
        listeners.onLost?.(change);
        break;
      case 'reconnected':
        listeners.onReconnected?.(change);
        break;
      case 'closed':
      case 'authFailed':
        listeners.onClosed?.(change);
        break;
    }
  };
  client.on('state', onState);
  return () => client.off('state', onState);
}
