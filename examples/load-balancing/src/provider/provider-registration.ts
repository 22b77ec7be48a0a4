import type { ServiceDiscovery, ServiceInstance } from '@zk-cookbook/core/recipes/discovery';
import type { Logger } from 'pino';
import { LoadBalancingError } from '../errors.ts';
import type { ProviderPayload } from '../layout.ts';

export interface ProviderIdentity {
  serviceName: string;
  instanceId: string;
  payload: ProviderPayload;
}

/**
 * A provider's x-discovery registration. ServiceDiscovery keeps the node there — restored after a
 * reconnect, registered again on a new session after an expiry, always with the latest weight — so
 * this only starts it in the background (a provider serves even before ZooKeeper answers) and
 * changes the weight.
 */
export class ProviderRegistration {
  private identity: ProviderIdentity;
  private address: { address: string; port: number } | undefined;
  private registered = false;
  private closed = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly discovery: ServiceDiscovery,
    identity: ProviderIdentity,
    private readonly logger: Logger,
  ) {
    this.identity = identity;
    discovery.on('error', (error) => logger.error({ err: error }, 'registration could not be restored'));
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  get payload(): ProviderPayload {
    return this.identity.payload;
  }

  /** Registers at the address gateways will reach us at, in the background. */
  start(address: string, port: number): void {
    this.address = { address, port };
    this.done = this.discovery
      .registerService(this.instanceInit())
      .then((instance) => {
        this.registered = true;
        this.logger.info({ id: instance.id, payload: instance.payload }, 'registered');
      })
      .catch((error: unknown) => {
        // close() ends the wait of a registration that never got through; nothing to report then.
        if (!this.closed) this.logger.error({ err: error }, 'registration failed');
      });
  }

  /** Writes a new weight into the registration; gateways see it through their watch. */
  async setWeight(weight: number, { timeoutMs = 5_000 } = {}): Promise<ServiceInstance<ProviderPayload>> {
    if (!this.registered) {
      throw new LoadBalancingError('REGISTRATION_FAILED', 'setWeight', 'not registered yet');
    }
    // The new record is ServiceDiscovery's for every later restore, even if this call times out.
    this.identity = { ...this.identity, payload: { ...this.identity.payload, weight } };
    return this.discovery.updateService(this.instanceInit(), { timeoutMs });
  }

  /** Deregisters: deletes the node at once, so gateways stop sending before the process goes. */
  async close(): Promise<void> {
    this.closed = true;
    // Closing the discovery unregisters what it registered and ends a registration still waiting.
    await this.discovery.close();
    await this.done;
    this.registered = false;
  }

  private instanceInit() {
    return {
      name: this.identity.serviceName,
      id: this.identity.instanceId,
      ...this.address,
      payload: this.identity.payload,
      uriSpec: '{scheme}://{address}:{port}',
    };
  }
}
