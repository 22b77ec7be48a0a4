import { SeededRandom } from './random.ts';

/**
 * A deterministic discrete-event network for the protocol simulations. Nodes exchange messages and
 * set timers; the scheduler decides when each message arrives (a random delay, so messages overtake
 * each other), whether it arrives at all, and when nodes crash and come back. Events at the same
 * time run in the order they were scheduled, so one seed gives one run, step for step.
 *
 * A crash loses what a node keeps in memory; what it wrote to "disk" is the node's own business:
 * `crash()` tells it to forget its volatile state, `start()` runs again on restart.
 */

export type NodeId = number;

export interface NetworkOptions {
  seed: number;
  /** Probability that a message is lost. Default 0. */
  dropRate?: number;
  /** Probability that a message is delivered twice. Default 0. */
  duplicateRate?: number;
  /** Message delay range in ticks; a wide range reorders messages. Default 1..3. */
  minDelay?: number;
  maxDelay?: number;
  /** Random crash-and-restart episodes spread over [0, crashWindow). Default 0. */
  crashes?: number;
  crashWindow?: number;
  /** How long a crashed node stays down, in ticks. Default 5..40. */
  minDowntime?: number;
  maxDowntime?: number;
  /** At most this many nodes down at once (a random crash that would exceed it is skipped). */
  maxDown?: number;
  /** Nodes that never crash. */
  neverCrash?: readonly NodeId[];
  /**
   * Deliver the messages of each (sender, receiver) pair in the order they were sent, as over one
   * TCP connection (ZAB assumes this). Delays still differ between pairs. Default false.
   */
  fifo?: boolean;
  /** Keep a trace of every event (default true; thousands of runs in a test turn it off). */
  trace?: boolean;
}

export interface NodeContext<M> {
  readonly id: NodeId;
  readonly now: number;
  readonly random: SeededRandom;
  send(to: NodeId, message: M): void;
  /** Sends to every other node. */
  broadcast(message: M): void;
  /** A timer that is forgotten if the node crashes first. */
  setTimer(delay: number, tag: string): void;
  /** A line for the trace (what the node concluded, not what it received). */
  note(text: string): void;
}

export interface SimulatedNode<M> {
  readonly id: NodeId;
  start(context: NodeContext<M>): void;
  receive(from: NodeId, message: M, context: NodeContext<M>): void;
  timer(tag: string, context: NodeContext<M>): void;
  /** Forget volatile state; durable state survives. */
  crash(): void;
}

export type TraceKind = 'send' | 'deliver' | 'drop' | 'timer' | 'crash' | 'restart' | 'note';

export interface TraceEntry {
  readonly step: number;
  readonly time: number;
  readonly kind: TraceKind;
  readonly node: NodeId;
  readonly peer?: NodeId;
  readonly text: string;
}

type Event<M> =
  | { kind: 'deliver'; from: NodeId; to: NodeId; message: M }
  | { kind: 'timer'; node: NodeId; tag: string; incarnation: number }
  | { kind: 'crash'; node: NodeId; downtime: number }
  | { kind: 'restart'; node: NodeId }
  | { kind: 'action'; node: NodeId; label: string; run: () => void };

interface Scheduled<M> {
  readonly time: number;
  readonly sequence: number;
  readonly event: Event<M>;
}

export class Network<M> {
  readonly random: SeededRandom;
  readonly trace: TraceEntry[] = [];
  private readonly nodes = new Map<NodeId, SimulatedNode<M>>();
  private readonly up = new Map<NodeId, boolean>();
  private readonly incarnations = new Map<NodeId, number>();
  private readonly queue: Scheduled<M>[] = [];
  private sequence = 0;
  private readonly lastArrival = new Map<string, number>();
  private readonly contexts = new Map<NodeId, NodeContext<M>>();
  private steps = 0;
  private clock = 0;
  private started = false;
  constructor(
    private readonly options: NetworkOptions,
    private readonly describe: (message: M) => string = (message) => JSON.stringify(message),
  ) {
    this.random = new SeededRandom(options.seed);
  }

  get now(): number {
    return this.clock;
  }

  get stepCount(): number {
    return this.steps;
  }

  get nodeIds(): NodeId[] {
    return [...this.nodes.keys()];
  }

  isUp(id: NodeId): boolean {
    return this.up.get(id) === true;
  }

  add(node: SimulatedNode<M>): void {
    this.nodes.set(node.id, node);
    this.up.set(node.id, true);
    this.incarnations.set(node.id, 0);
  }

  /** Runs `run` at `time` on behalf of `node` (an external client, a planned crash, a test's probe). */
  at(time: number, node: NodeId, label: string, run: () => void): void {
    this.schedule(time, { kind: 'action', node, label, run });
  }

  /** Crashes a node now (from an action: "crash whoever leads"). */
  crashNow(node: NodeId, downtime: number): void {
    this.schedule(this.clock, { kind: 'crash', node, downtime });
  }

  /** A planned crash (in addition to the random ones). */
  crashAt(time: number, node: NodeId, downtime: number): void {
    this.schedule(time, { kind: 'crash', node, downtime });
  }

  context(id: NodeId): NodeContext<M> {
    const cached = this.contexts.get(id);
    if (cached) return cached;
    const clock = (): number => this.clock;
    const context: NodeContext<M> = {
      id,
      get now() {
        return clock();
      },
      random: this.random,
      send: (to, message) => this.send(id, to, message),
      broadcast: (message) => {
        for (const other of this.nodes.keys()) if (other !== id) this.send(id, other, message);
      },
      setTimer: (delay, tag) =>
        this.schedule(this.clock + delay, {
          kind: 'timer',
          node: id,
          tag,
          incarnation: this.incarnations.get(id) ?? 0,
        }),
      note: (text) => this.record('note', id, text),
    };
    this.contexts.set(id, context);
    return context;
  }

  /** Starts every node and schedules the random crashes; called by the first step. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const node of this.nodes.values()) node.start(this.context(node.id));
    const crashable = this.nodeIds.filter((id) => !(this.options.neverCrash ?? []).includes(id));
    for (let i = 0; i < (this.options.crashes ?? 0) && crashable.length > 0; i += 1) {
      const time = this.random.int(1, Math.max(1, (this.options.crashWindow ?? 200) - 1));
      const downtime = this.random.int(this.options.minDowntime ?? 5, this.options.maxDowntime ?? 40);
      this.schedule(time, { kind: 'crash', node: this.random.pick(crashable), downtime });
    }
  }

  /** Runs one event; false when nothing is left to run. */
  step(): boolean {
    this.start();
    const next = this.queue.shift();
    if (!next) return false;
    this.clock = next.time;
    this.steps += 1;
    this.dispatch(next.event);
    return true;
  }

  /** Runs until `done()` holds, time passes `until`, or nothing is left; returns whether `done()` held. */
  run({ until = Infinity, maxSteps = 200_000, done = () => false }: RunLimits = {}): boolean {
    this.start();
    while (!done()) {
      const next = this.queue[0];
      if (!next || next.time > until || this.steps >= maxSteps) return false;
      this.step();
    }
    return true;
  }

  private send(from: NodeId, to: NodeId, message: M): void {
    if (!this.isUp(from)) return;
    if (this.random.chance(this.options.dropRate ?? 0)) {
      this.record('drop', from, () => this.describe(message), to);
      return;
    }
    const copies = this.random.chance(this.options.duplicateRate ?? 0) ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const delay = this.random.int(this.options.minDelay ?? 1, this.options.maxDelay ?? 3);
      let time = this.clock + delay;
      if (this.options.fifo) {
        const channel = `${from}>${to}`;
        time = Math.max(time, this.lastArrival.get(channel) ?? 0);
        this.lastArrival.set(channel, time);
      }
      this.schedule(time, { kind: 'deliver', from, to, message });
    }
    this.record('send', from, () => this.describe(message), to);
  }

  private dispatch(event: Event<M>): void {
    switch (event.kind) {
      case 'deliver': {
        const node = this.nodes.get(event.to);
        if (!node || !this.isUp(event.to)) {
          this.record(
            'drop',
            event.from,
            () => `${this.describe(event.message)} (node ${event.to} is down)`,
            event.to,
          );
          return;
        }
        this.record('deliver', event.to, () => this.describe(event.message), event.from);
        node.receive(event.from, event.message, this.context(event.to));
        return;
      }
      case 'timer': {
        if (!this.isUp(event.node) || this.incarnations.get(event.node) !== event.incarnation) return;
        this.record('timer', event.node, event.tag);
        this.nodes.get(event.node)!.timer(event.tag, this.context(event.node));
        return;
      }
      case 'crash': {
        if (!this.isUp(event.node)) return;
        const down = this.nodeIds.filter((id) => !this.isUp(id)).length;
        if (down >= (this.options.maxDown ?? this.nodes.size)) return;
        this.up.set(event.node, false);
        this.incarnations.set(event.node, (this.incarnations.get(event.node) ?? 0) + 1);
        this.nodes.get(event.node)!.crash();
        this.record('crash', event.node, `down for ${event.downtime}`);
        this.schedule(this.clock + event.downtime, { kind: 'restart', node: event.node });
        return;
      }
      case 'restart': {
        this.up.set(event.node, true);
        this.record('restart', event.node, 'back with its durable state');
        this.nodes.get(event.node)!.start(this.context(event.node));
        return;
      }
      case 'action': {
        this.record('note', event.node, event.label);
        event.run();
        return;
      }
    }
  }

  private schedule(time: number, event: Event<M>): void {
    const entry = { time, sequence: this.sequence++, event };
    // Binary search for the first entry that runs later: equal times keep scheduling order.
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const other = this.queue[middle]!;
      if (other.time < time || (other.time === time && other.sequence < entry.sequence)) low = middle + 1;
      else high = middle;
    }
    this.queue.splice(low, 0, entry);
  }

  private record(kind: TraceKind, node: NodeId, text: string | (() => string), peer?: NodeId): void {
    if (this.options.trace === false) return;
    const line = typeof text === 'string' ? text : text();
    this.trace.push({
      step: this.steps,
      time: this.clock,
      kind,
      node,
      ...(peer === undefined ? {} : { peer }),
      text: line,
    });
  }
}

export interface RunLimits {
  until?: number;
  maxSteps?: number;
  done?: () => boolean;
}

/** One line per trace entry, for the CLI and for a failing test's message. */
export function formatTrace(
  trace: readonly TraceEntry[],
  name: (id: NodeId) => string = (id) => `n${id}`,
): string[] {
  return trace.map((entry) => {
    const time = String(entry.time).padStart(5);
    switch (entry.kind) {
      case 'send':
        return `${time}  ${name(entry.node)} → ${name(entry.peer!)}  ${entry.text}`;
      case 'deliver':
        return `${time}  ${name(entry.node)} ← ${name(entry.peer!)}  ${entry.text}`;
      case 'drop':
        return `${time}  ✗ ${name(entry.node)} → ${name(entry.peer!)}  ${entry.text} (lost)`;
      case 'timer':
        return `${time}  ${name(entry.node)} ⏰ ${entry.text}`;
      case 'crash':
        return `${time}  ${name(entry.node)} 💥 crashed, ${entry.text}`;
      case 'restart':
        return `${time}  ${name(entry.node)} ↻ restarted, ${entry.text}`;
      case 'note':
        return `${time}  ${name(entry.node)} • ${entry.text}`;
    }
  });
}
