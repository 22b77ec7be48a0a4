import {
  Network,
  type NetworkOptions,
  type NodeContext,
  type NodeId,
  type SimulatedNode,
} from './scheduler.ts';

/**
 * Single-decree Paxos ("Paxos Made Simple"): proposers try to get one value chosen by a majority
 * of acceptors, in two phases.
 *  1. prepare(b) → promise(b, highest value accepted so far): the acceptor promises to ignore every
 *     ballot below b. A majority of promises tells the proposer which value may already be chosen.
 *  2. accept(b, v) → accepted(b, v): v is the proposer's own value only if no promise reported one.
 * A value is chosen once a majority accepted it in the same ballot. Safety: at most one value is
 * ever chosen, whatever the network and crashes do. Liveness is not promised: two proposers can
 * pre-empt each other forever (see `duellingProposers`).
 */

export type PaxosMessage =
  | { type: 'prepare'; ballot: number }
  | { type: 'promise'; ballot: number; accepted: { ballot: number; value: string } | null }
  | { type: 'accept'; ballot: number; value: string }
  | { type: 'accepted'; ballot: number; value: string }
  | { type: 'nack'; ballot: number; promised: number }
  | { type: 'preempted'; promised: number };

export interface PaxosOptions extends NetworkOptions {
  acceptors?: number;
  proposers?: number;
  /** When each proposer starts; default random in [0, 10]. */
  startTimes?: readonly number[];
  /** 'backoff' waits a random, growing time before retrying; 'immediate' retries at once. */
  retry?: 'backoff' | 'immediate';
  /** Acceptors tell the proposer they deserted as soon as they promise a higher ballot. */
  eagerPreemption?: boolean;
  /** Stop after this time. Default 2000. */
  until?: number;
  /** Broken on purpose, to prove the check can fail: acceptors accept without looking at their promise. */
  acceptorForgetsPromise?: boolean;
  /** Broken on purpose: proposers always propose their own value, ignoring what promises report. */
  proposerIgnoresAcceptedValues?: boolean;
}

const PROPOSERS_PER_ROUND = 16;

/** Ballots are (round, proposer) pairs packed in one number, so no two proposers share a ballot. */
export function ballotOf(round: number, proposerIndex: number): number {
  return round * PROPOSERS_PER_ROUND + proposerIndex;
}

export function formatBallot(ballot: number): string {
  return `${Math.floor(ballot / PROPOSERS_PER_ROUND)}.${ballot % PROPOSERS_PER_ROUND}`;
}

export interface Acceptance {
  readonly acceptor: NodeId;
  readonly ballot: number;
  readonly value: string;
  readonly time: number;
}

class Acceptor implements SimulatedNode<PaxosMessage> {
  // Durable: an acceptor must remember its promise and its vote across a crash.
  promised = -1;
  accepted: { ballot: number; value: string } | null = null;
  private promisedTo: NodeId | null = null;

  constructor(
    readonly id: NodeId,
    private readonly options: PaxosOptions,
    private readonly acceptances: Acceptance[],
  ) {}

  start(): void {}
  crash(): void {
    this.promisedTo = null;
  }
  timer(): void {}

  receive(from: NodeId, message: PaxosMessage, context: NodeContext<PaxosMessage>): void {
    if (message.type === 'prepare') {
      if (message.ballot > this.promised) {
        if (this.options.eagerPreemption && this.promisedTo !== null && this.promisedTo !== from) {
          context.send(this.promisedTo, { type: 'preempted', promised: message.ballot });
        }
        this.promised = message.ballot;
        this.promisedTo = from;
        context.send(from, { type: 'promise', ballot: message.ballot, accepted: this.accepted });
      } else {
        context.send(from, { type: 'nack', ballot: message.ballot, promised: this.promised });
      }
    } else if (message.type === 'accept') {
      if (message.ballot >= this.promised || this.options.acceptorForgetsPromise) {
        this.promised = Math.max(this.promised, message.ballot);
        this.accepted = { ballot: message.ballot, value: message.value };
        this.acceptances.push({
          acceptor: this.id,
          ballot: message.ballot,
          value: message.value,
          time: context.now,
        });
        context.note(`accepts ${message.value} in ballot ${formatBallot(message.ballot)}`);
        context.send(from, { type: 'accepted', ballot: message.ballot, value: message.value });
      } else {
        context.send(from, { type: 'nack', ballot: message.ballot, promised: this.promised });
      }
    }
  }
}

class Proposer implements SimulatedNode<PaxosMessage> {
  // Durable: the last round used, so a restarted proposer never reuses a ballot.
  round = 0;
  ballotsTried = 0;
  learned: string | null = null;
  private ballot = -1;
  private phase: 'idle' | 'preparing' | 'accepting' = 'idle';
  private promises = new Map<NodeId, { ballot: number; value: string } | null>();
  private accepts = new Set<NodeId>();
  private proposal: string | null = null;
  private backoff = 4;

  constructor(
    readonly id: NodeId,
    private readonly index: number,
    readonly value: string,
    private readonly acceptorIds: readonly NodeId[],
    private readonly startTime: number,
    private readonly options: PaxosOptions,
  ) {}

  private get majority(): number {
    return Math.floor(this.acceptorIds.length / 2) + 1;
  }

  start(context: NodeContext<PaxosMessage>): void {
    context.setTimer(Math.max(0, this.startTime - context.now), 'begin');
  }

  crash(): void {
    this.phase = 'idle';
    this.promises.clear();
    this.accepts.clear();
  }

  timer(tag: string, context: NodeContext<PaxosMessage>): void {
    if (tag === 'begin' || tag === `retry ${this.ballot}`) this.prepare(context);
    // A phase that heard nothing for a while (lost messages, crashed acceptors) starts over.
    if (tag === `timeout ${this.ballot}` && this.phase !== 'idle' && this.learned === null)
      this.prepare(context);
  }

  private prepare(context: NodeContext<PaxosMessage>): void {
    if (this.learned !== null) return;
    this.round += 1;
    this.ballot = ballotOf(this.round, this.index);
    this.ballotsTried += 1;
    this.phase = 'preparing';
    this.promises.clear();
    this.accepts.clear();
    context.note(`phase 1: prepare ${formatBallot(this.ballot)}`);
    for (const acceptor of this.acceptorIds) context.send(acceptor, { type: 'prepare', ballot: this.ballot });
    context.setTimer(40, `timeout ${this.ballot}`);
  }

  private giveUp(promised: number, context: NodeContext<PaxosMessage>): void {
    if (this.phase === 'idle') return;
    this.phase = 'idle';
    this.round = Math.max(this.round, Math.floor(promised / PROPOSERS_PER_ROUND));
    if (this.options.retry === 'immediate') {
      this.prepare(context);
    } else {
      const wait = context.random.int(1, this.backoff);
      this.backoff = Math.min(this.backoff * 2, 256);
      context.note(`pre-empted by ${formatBallot(promised)}, backing off ${wait}`);
      context.setTimer(wait, `retry ${this.ballot}`);
    }
  }

  receive(from: NodeId, message: PaxosMessage, context: NodeContext<PaxosMessage>): void {
    switch (message.type) {
      case 'promise': {
        if (this.phase !== 'preparing' || message.ballot !== this.ballot) return;
        this.promises.set(from, message.accepted);
        if (this.promises.size < this.majority) return;
        // The rule that makes Paxos safe: adopt the value of the highest ballot any promise reports.
        let highest: { ballot: number; value: string } | null = null;
        for (const accepted of this.promises.values()) {
          if (accepted && (!highest || accepted.ballot > highest.ballot)) highest = accepted;
        }
        this.proposal = highest && !this.options.proposerIgnoresAcceptedValues ? highest.value : this.value;
        this.phase = 'accepting';
        context.note(`phase 2: accept ${this.proposal} in ${formatBallot(this.ballot)}`);
        for (const acceptor of this.acceptorIds) {
          context.send(acceptor, { type: 'accept', ballot: this.ballot, value: this.proposal });
        }
        return;
      }
      case 'accepted': {
        if (this.phase !== 'accepting' || message.ballot !== this.ballot) return;
        this.accepts.add(from);
        if (this.accepts.size >= this.majority && this.learned === null) {
          this.learned = message.value;
          this.phase = 'idle';
          context.note(`learned: ${message.value} is chosen`);
        }
        return;
      }
      case 'nack':
        if (message.ballot === this.ballot) this.giveUp(message.promised, context);
        return;
      case 'preempted':
        if (message.promised > this.ballot) this.giveUp(message.promised, context);
        return;
      default:
        return;
    }
  }
}

export interface PaxosRun {
  readonly network: Network<PaxosMessage>;
  readonly acceptances: readonly Acceptance[];
  /** Values accepted by a majority in one ballot: Paxos's definition of chosen. */
  readonly chosen: readonly string[];
  /** What each proposer learned (null: nothing yet). */
  readonly learned: readonly (string | null)[];
  readonly ballotsTried: number;
  /** Safety violations found by `checkPaxos`; empty when the run was safe. */
  readonly violations: readonly string[];
}

export function describePaxosMessage(message: PaxosMessage): string {
  switch (message.type) {
    case 'prepare':
      return `prepare ${formatBallot(message.ballot)}`;
    case 'promise':
      return `promise ${formatBallot(message.ballot)}${
        message.accepted
          ? ` (already accepted ${message.accepted.value} in ${formatBallot(message.accepted.ballot)})`
          : ''
      }`;
    case 'accept':
      return `accept ${message.value} in ${formatBallot(message.ballot)}`;
    case 'accepted':
      return `accepted ${message.value} in ${formatBallot(message.ballot)}`;
    case 'nack':
      return `nack ${formatBallot(message.ballot)} (promised ${formatBallot(message.promised)})`;
    case 'preempted':
      return `pre-empted by ${formatBallot(message.promised)}`;
  }
}

export function runPaxos(options: PaxosOptions): PaxosRun {
  const acceptorCount = options.acceptors ?? 3;
  const proposerCount = options.proposers ?? 2;
  const network = new Network<PaxosMessage>(options, describePaxosMessage);
  const acceptances: Acceptance[] = [];
  const acceptorIds = Array.from({ length: acceptorCount }, (_, i) => i);
  for (const id of acceptorIds) network.add(new Acceptor(id, options, acceptances));
  const proposers: Proposer[] = [];
  for (let index = 0; index < proposerCount; index += 1) {
    const start = options.startTimes?.[index] ?? network.random.int(0, 10);
    const proposer = new Proposer(acceptorCount + index, index, `v${index + 1}`, acceptorIds, start, options);
    proposers.push(proposer);
    network.add(proposer);
  }
  network.run({
    until: options.until ?? 2000,
    done: () => proposers.every((proposer) => proposer.learned !== null),
  });
  const learned = proposers.map((proposer) => proposer.learned);
  const chosen = chosenValues(acceptances, acceptorCount);
  return {
    network,
    acceptances,
    chosen,
    learned,
    ballotsTried: proposers.reduce((sum, proposer) => sum + proposer.ballotsTried, 0),
    violations: checkPaxos(acceptances, acceptorCount, learned),
  };
}

export function chosenValues(acceptances: readonly Acceptance[], acceptorCount: number): string[] {
  const voters = new Map<string, Set<NodeId>>();
  for (const { acceptor, ballot, value } of acceptances) {
    const key = `${ballot}\u0000${value}`;
    (voters.get(key) ?? voters.set(key, new Set()).get(key)!).add(acceptor);
  }
  const chosen = new Set<string>();
  for (const [key, acceptors] of voters) {
    if (acceptors.size > acceptorCount / 2) chosen.add(key.split('\u0000')[1]!);
  }
  return [...chosen];
}

/** Paxos's safety property: at most one value chosen, and every learner learned that one. */
export function checkPaxos(
  acceptances: readonly Acceptance[],
  acceptorCount: number,
  learned: readonly (string | null)[],
): string[] {
  const violations: string[] = [];
  const chosen = chosenValues(acceptances, acceptorCount);
  if (chosen.length > 1) violations.push(`more than one value chosen: ${chosen.join(', ')}`);
  for (const value of learned) {
    if (value !== null && !chosen.includes(value))
      violations.push(`a proposer learned ${value}, which was not chosen`);
  }
  return violations;
}

/**
 * The duelling-proposers livelock, made deterministic: every message takes exactly one tick, the
 * second proposer starts one tick after the first, both retry at once when pre-empted. Each one's
 * prepare lands just before the other's accept, forever. Random backoff breaks the tie.
 */
export function duellingProposers(retry: 'immediate' | 'backoff', seed = 1, until = 400): PaxosRun {
  return runPaxos({
    seed,
    acceptors: 3,
    proposers: 2,
    startTimes: [0, 1],
    minDelay: 1,
    maxDelay: 1,
    retry,
    eagerPreemption: true,
    until,
  });
}
