import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeName, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { ChildrenCache, type CachedNode } from '@zk-cookbook/core/recipes/cache';
import type { Logger } from 'pino';
import { z } from 'zod';
import { subscriberRegistration } from '../layout.ts';
import { readEventStream } from './event-stream-reader.ts';

/** A subscriber as the page shows it: what it reported last over its event stream. */
export interface SubscriberState {
  instanceId: string;
  url: string | undefined;
  /** whether the publisher currently has a live stream from it */
  reachable: boolean;
  /** its ZooKeeper session state, as it reported it */
  connection: string;
  initialized: boolean;
  values: Record<string, ReportedValue>;
  /** why it is not shown live: an invalid registration, a failed stream */
  problem?: string;
}

const reportedValue = z.object({
  key: z.string(),
  value: z.string(),
  version: z.number(),
  mzxid: z.string(),
  modifiedAt: z.number(),
  appliedAt: z.number(),
});
export type ReportedValue = z.infer<typeof reportedValue>;

const snapshotEvent = z.object({
  connection: z.string(),
  initialized: z.boolean(),
  values: z.array(reportedValue),
});
const changeEvent = z.discriminatedUnion('type', [
  reportedValue.extend({ type: z.literal('set') }),
  z.object({ type: z.literal('deleted'), key: z.string() }),
  z.object({ type: z.literal('resynced') }),
]);
const connectionEvent = z.object({ connection: z.string() });

export interface SubscriberBoardEvents {
  updated: [state: SubscriberState];
  removed: [instanceId: string];
}

const RETRY_MS = 1_000;

/**
 * What every registered subscriber holds right now, for the publisher's page. It finds the
 * subscribers in ZooKeeper (a ChildrenCache on the registry) and follows each one's own event
 * stream, so the page shows the values the subscribers really applied — not what ZooKeeper holds.
 *
 * A registration is someone else's data: it is validated, only its http(s) URL is used, only the
 * fixed path /config/events is fetched, without following redirects, and events are size-bounded.
 */
export class SubscriberBoard extends EventEmitter<SubscriberBoardEvents> {
  private readonly registry: ChildrenCache;
  private readonly states = new Map<string, SubscriberState>();
  private readonly relays = new Map<string, AbortController>();
  private closed = false;

  constructor(
    client: ZooKeeperClient,
    registryPath: string,
    private readonly logger: Logger,
  ) {
    super();
    this.registry = new ChildrenCache(client, registryPath);
    this.registry.on('initialized', (nodes) => nodes.forEach((node) => this.follow(node)));
    this.registry.on('created', (node) => this.follow(node));
    this.registry.on('changed', (node) => this.follow(node));
    this.registry.on('deleted', (node) => this.forget(nodeName(node.path)));
    this.registry.on('error', (error) => this.logger.warn({ err: error }, 'registry read failed'));
  }

  start(): Promise<void> {
    return this.registry.start();
  }

  subscribers(): SubscriberState[] {
    return [...this.states.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const relay of this.relays.values()) relay.abort();
    this.relays.clear();
    await this.registry.close();
  }

  private follow(node: CachedNode): void {
    if (this.closed) return;
    const name = nodeName(node.path);
    this.relays.get(name)?.abort();
    const parsed = subscriberRegistration.safeParse(safeJson(node.data.toString('utf8')));
    if (!parsed.success || parsed.data.instanceId !== name) {
      this.relays.delete(name);
      this.update({
        ...this.blank(name, undefined),
        problem: 'its registration is not {"instanceId": <its node name>, "url": "http(s)://..."}',
      });
      return;
    }
    const relay = new AbortController();
    this.relays.set(name, relay);
    this.update(this.blank(name, parsed.data.url));
    void this.relay(name, parsed.data.url, relay.signal);
  }

  private forget(instanceId: string): void {
    this.relays.get(instanceId)?.abort();
    this.relays.delete(instanceId);
    if (this.states.delete(instanceId)) this.emit('removed', instanceId);
  }

  private async relay(instanceId: string, url: string, signal: AbortSignal): Promise<void> {
    const eventsUrl = new URL('/config/events', url);
    while (!signal.aborted) {
      try {
        const response = await fetch(eventsUrl, {
          signal,
          redirect: 'error',
          headers: { accept: 'text/event-stream' },
        });
        if (!response.ok || !response.body)
          throw new Error(`GET ${eventsUrl.href} answered ${response.status}`);
        for await (const received of readEventStream(response.body)) this.apply(instanceId, received);
        throw new Error('the event stream ended');
      } catch (error) {
        if (signal.aborted) return;
        const state = this.states.get(instanceId);
        if (state) this.update({ ...state, reachable: false, problem: (error as Error).message });
        this.logger.debug({ err: error, instanceId }, 'subscriber stream failed; retrying');
        await sleep(RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private apply(instanceId: string, { event, data }: { event: string; data: string }): void {
    const state = this.states.get(instanceId);
    if (!state) return;
    const json = safeJson(data);
    if (event === 'snapshot') {
      const snapshot = snapshotEvent.parse(json);
      const values: Record<string, ReportedValue> = {};
      for (const value of snapshot.values) values[value.key] = value;
      this.update({
        instanceId,
        url: state.url,
        reachable: true,
        connection: snapshot.connection,
        initialized: snapshot.initialized,
        values,
      });
    } else if (event === 'change') {
      const change = changeEvent.parse(json);
      if (change.type === 'resynced') return;
      const values = { ...state.values };
      if (change.type === 'set') {
        const { type: _type, ...value } = change;
        values[change.key] = value;
      } else delete values[change.key];
      this.update({ ...state, values });
    } else if (event === 'connection') {
      this.update({ ...state, connection: connectionEvent.parse(json).connection });
    }
  }

  private blank(instanceId: string, url: string | undefined): SubscriberState {
    return { instanceId, url, reachable: false, connection: 'unknown', initialized: false, values: {} };
  }

  private update(state: SubscriberState): void {
    this.states.set(state.instanceId, state);
    this.emit('updated', state);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
