import { setTimeout as sleep } from 'node:timers/promises';
import {
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { PersistentNode } from '@zk-cookbook/core/recipes/nodes';
import type { Logger } from 'pino';
import type { SubscriberRegistration } from '../layout.ts';

/**
 * A subscriber's entry in the registry (`<root>/subscribers/<instance id>`, ephemeral), so that the
 * publisher's page can find it. A PersistentNode keeps it there: it comes back after a session
 * expiry, which is exactly when a subscriber would otherwise vanish from the page.
 *
 * The registry node itself belongs to the publisher (it sets its ACL). A subscriber may start first
 * — compose starts them together — so it waits for the node to appear rather than create it: a
 * PersistentNode creates missing parents with an open ACL, and the publisher would then find its
 * tree already taken.
 */
export class SubscriberRegistrationNode {
  private node: PersistentNode | undefined;
  private readonly stopping = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly registryPath: string,
    private readonly registration: SubscriberRegistration,
    private readonly logger: Logger,
  ) {
    this.done = this.register().catch((error: unknown) => {
      if (!this.stopping.signal.aborted) this.logger.error({ err: error }, 'registration failed');
    });
  }

  /** Whether our node is believed to exist right now. */
  get isRegistered(): boolean {
    return this.node !== undefined;
  }

  /** Removes our node (the session's end would too, but the page should see us go at once). */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.done;
    await this.node?.close();
  }

  private async register(): Promise<void> {
    await this.whenRegistryExists();
    if (this.stopping.signal.aborted) return;
    const node = new PersistentNode(this.client, joinPath(this.registryPath, this.registration.instanceId), {
      mode: 'ephemeral',
      data: JSON.stringify(this.registration),
    });
    node.on('failure', (error) => this.logger.warn({ err: error }, 'registration node not created yet'));
    node.start();
    this.node = node;
    await node.waitForInitialCreate({ signal: this.stopping.signal });
    this.logger.info({ path: node.basePath }, 'registered');
  }

  private async whenRegistryExists(): Promise<void> {
    const signal = this.stopping.signal;
    let logged = false;
    while (!signal.aborted) {
      let created: (() => void) | undefined;
      const appeared = new Promise<void>((resolve) => (created = resolve));
      try {
        const stat = await this.client.exists(this.registryPath, { watch: () => created?.(), signal });
        if (stat) return;
        if (!logged)
          this.logger.info({ path: this.registryPath }, 'waiting for the publisher to create the registry');
        logged = true;
        // A watch does not outlive its session; look again now and then in case it went with one.
        await Promise.race([appeared, sleep(5_000, undefined, { signal })]);
      } catch (error) {
        if (signal.aborted) return;
        // The link or the session went while we asked: ask again once the client is back.
        if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
        await sleep(500, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}
