import { describe, expect, it } from 'vitest';
import { Network, type NodeContext, type NodeId, type SimulatedNode } from './scheduler.ts';

/** Sends `count` numbered messages to node 1 at start and records what arrives and which timers fire. */
class Recorder implements SimulatedNode<number> {
  readonly received: number[] = [];
  readonly timers: string[] = [];
  constructor(
    readonly id: NodeId,
    private readonly count: number,
  ) {}
  start(context: NodeContext<number>): void {
    if (this.id === 0) for (let i = 1; i <= this.count; i += 1) context.send(1, i);
    context.setTimer(50, `timer of ${this.id}`);
  }
  receive(_from: NodeId, message: number): void {
    this.received.push(message);
  }
  timer(tag: string): void {
    this.timers.push(tag);
  }
  crash(): void {}
}

function network(options: Partial<ConstructorParameters<typeof Network<number>>[0]> = {}, count = 50) {
  const net = new Network<number>({ seed: 7, minDelay: 1, maxDelay: 10, ...options });
  const nodes = [new Recorder(0, count), new Recorder(1, count)];
  for (const node of nodes) net.add(node);
  net.run();
  return { net, receiver: nodes[1]! };
}

describe('the simulation network', () => {
  it('replays a run exactly from its seed, and another seed gives another run', () => {
    const a = network();
    const b = network();
    const c = network({ seed: 8 });
    expect(a.receiver.received).toEqual(b.receiver.received);
    expect(a.net.trace).toEqual(b.net.trace);
    expect(c.receiver.received).not.toEqual(a.receiver.received);
  });

  it('reorders messages with random delays, and keeps send order on FIFO channels', () => {
    const inOrder = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(network().receiver.received).not.toEqual(inOrder);
    expect(network({ fifo: true }).receiver.received).toEqual(inOrder);
  });

  it('loses about the requested share of messages', () => {
    const { receiver } = network({ dropRate: 0.3 }, 2000);
    expect(receiver.received.length).toBeGreaterThan(2000 * 0.6);
    expect(receiver.received.length).toBeLessThan(2000 * 0.8);
  });

  it('drops messages to a crashed node and forgets its timers', () => {
    const net = new Network<number>({ seed: 1, minDelay: 5, maxDelay: 5 });
    const sender = new Recorder(0, 3);
    const receiver = new Recorder(1, 0);
    net.add(sender);
    net.add(receiver);
    net.crashAt(2, 1, 100);
    net.run();
    expect(receiver.received).toEqual([]);
    // The timer set before the crash never fires; the one set on restart (start runs again) does.
    expect(receiver.timers).toEqual(['timer of 1']);
    expect(net.trace.filter((entry) => entry.kind === 'restart')).toHaveLength(1);
  });
});
