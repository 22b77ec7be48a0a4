import {
  Network,
  type NetworkOptions,
  type NodeContext,
  type NodeId,
  type SimulatedNode,
} from './scheduler.ts';

/**
 * Raft (Ongaro & Ousterhout): a leader per term, elected by a majority that checks the candidate's
 * log is at least as up to date as its own; the leader appends client commands to its log and
 * repairs followers' logs by walking back until they match (AppendEntries' consistency check),
 * and commits an entry of its own term once a majority stores it.
 *
 * The checks are Raft's safety properties (figure 3 of the paper): election safety, log matching,
 * leader completeness and state machine safety.
 */

export interface LogEntry {
  readonly term: number;
  readonly command: string;
}

export type RaftMessage =
  | { type: 'requestVote'; term: number; lastLogIndex: number; lastLogTerm: number }
  | { type: 'vote'; term: number; granted: boolean }
  | {
      type: 'append';
      term: number;
      prevIndex: number;
      prevTerm: number;
      entries: readonly LogEntry[];
      leaderCommit: number;
    }
  | { type: 'appendReply'; term: number; success: boolean; matchIndex: number };

export interface RaftOptions extends NetworkOptions {
  nodes?: number;
  /** Client commands submitted at random times before `until`. Default 20. */
  commands?: number;
  until?: number;
  /** Crash whoever leads this many times (on top of random crashes), so leadership changes. Default 2. */
  leaderCrashes?: number;
  /** Broken on purpose: grant votes without checking that the candidate's log is up to date. */
  skipUpToDateCheck?: boolean;
}

/** What the run observed, for the safety checks. */
export interface RaftObservations {
  readonly leaders: Map<number, Set<NodeId>>;
  /** index → the entry a leader declared committed, and that leader's term. */
  readonly committed: Map<number, { entry: LogEntry; leaderTerm: number }>;
  /** node → index → entry applied to its state machine. */
  readonly applied: Map<NodeId, Map<number, LogEntry>>;
  readonly violations: string[];
}

const HEARTBEAT = 5;
const MAX_BATCH = 5;

export class RaftNode implements SimulatedNode<RaftMessage> {
  // Durable (written before answering, in a real implementation).
  currentTerm = 0;
  votedFor: NodeId | null = null;
  log: LogEntry[] = [];
  // Volatile.
  role: 'follower' | 'candidate' | 'leader' = 'follower';
  commitIndex = 0;
  private lastApplied = 0;
  private votes = new Set<NodeId>();
  private nextIndex = new Map<NodeId, number>();
  private matchIndex = new Map<NodeId, number>();
  private electionTimer = 0;

  constructor(
    readonly id: NodeId,
    private readonly peers: readonly NodeId[],
    private readonly options: RaftOptions,
    private readonly observed: RaftObservations,
  ) {}

  private get majority(): number {
    return Math.floor((this.peers.length + 1) / 2) + 1;
  }

  private get lastIndex(): number {
    return this.log.length;
  }

  private termAt(index: number): number {
    return index === 0 ? 0 : (this.log[index - 1]?.term ?? -1);
  }

  start(context: NodeContext<RaftMessage>): void {
    this.resetElectionTimer(context);
  }

  crash(): void {
    this.role = 'follower';
    this.commitIndex = 0;
    this.lastApplied = 0;
    this.votes.clear();
    this.nextIndex.clear();
    this.matchIndex.clear();
  }

  submit(command: string, context: NodeContext<RaftMessage>): void {
    if (this.role !== 'leader') return;
    this.log.push({ term: this.currentTerm, command });
    context.note(`leader appends ${command} at index ${this.lastIndex} (term ${this.currentTerm})`);
  }

  private resetElectionTimer(context: NodeContext<RaftMessage>): void {
    this.electionTimer += 1;
    // Randomised timeouts make split votes unlikely to repeat.
    context.setTimer(context.random.int(15, 30), `election ${this.electionTimer}`);
  }

  timer(tag: string, context: NodeContext<RaftMessage>): void {
    if (tag === `election ${this.electionTimer}` && this.role !== 'leader') this.startElection(context);
    if (tag === `heartbeat ${this.currentTerm}` && this.role === 'leader') {
      for (const peer of this.peers) this.replicate(peer, context);
      context.setTimer(HEARTBEAT, `heartbeat ${this.currentTerm}`);
    }
  }

  private startElection(context: NodeContext<RaftMessage>): void {
    this.currentTerm += 1;
    this.role = 'candidate';
    this.votedFor = this.id;
    this.votes = new Set([this.id]);
    context.note(
      `times out, stands for term ${this.currentTerm} (last log ${this.lastIndex}/${this.termAt(this.lastIndex)})`,
    );
    context.broadcast({
      type: 'requestVote',
      term: this.currentTerm,
      lastLogIndex: this.lastIndex,
      lastLogTerm: this.termAt(this.lastIndex),
    });
    this.resetElectionTimer(context);
  }

  private stepDown(term: number, context: NodeContext<RaftMessage>): void {
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.votedFor = null;
    }
    if (this.role !== 'follower') {
      this.role = 'follower';
      this.resetElectionTimer(context);
    }
  }

  private becomeLeader(context: NodeContext<RaftMessage>): void {
    this.role = 'leader';
    context.note(`becomes leader of term ${this.currentTerm} with log length ${this.lastIndex}`);
    const leaders = this.observed.leaders.get(this.currentTerm) ?? new Set();
    leaders.add(this.id);
    this.observed.leaders.set(this.currentTerm, leaders);
    if (leaders.size > 1)
      this.observed.violations.push(
        `election safety: term ${this.currentTerm} has leaders ${[...leaders].join(', ')}`,
      );
    for (const [index, { entry, leaderTerm }] of this.observed.committed) {
      if (leaderTerm < this.currentTerm && this.termAt(index) !== entry.term) {
        this.observed.violations.push(
          `leader completeness: leader ${this.id} of term ${this.currentTerm} lacks committed entry ${index} (${entry.command})`,
        );
      }
    }
    for (const peer of this.peers) {
      this.nextIndex.set(peer, this.lastIndex + 1);
      this.matchIndex.set(peer, 0);
    }
    this.timer(`heartbeat ${this.currentTerm}`, context);
  }

  private replicate(peer: NodeId, context: NodeContext<RaftMessage>): void {
    const next = this.nextIndex.get(peer) ?? this.lastIndex + 1;
    context.send(peer, {
      type: 'append',
      term: this.currentTerm,
      prevIndex: next - 1,
      prevTerm: this.termAt(next - 1),
      entries: this.log.slice(next - 1, next - 1 + MAX_BATCH),
      leaderCommit: this.commitIndex,
    });
  }

  receive(from: NodeId, message: RaftMessage, context: NodeContext<RaftMessage>): void {
    if (message.term > this.currentTerm) this.stepDown(message.term, context);
    switch (message.type) {
      case 'requestVote': {
        const upToDate =
          message.lastLogTerm > this.termAt(this.lastIndex) ||
          (message.lastLogTerm === this.termAt(this.lastIndex) && message.lastLogIndex >= this.lastIndex);
        const granted =
          message.term === this.currentTerm &&
          (this.votedFor === null || this.votedFor === from) &&
          (upToDate || this.options.skipUpToDateCheck === true);
        if (granted) {
          this.votedFor = from;
          this.resetElectionTimer(context);
        }
        context.send(from, { type: 'vote', term: this.currentTerm, granted });
        return;
      }
      case 'vote': {
        if (this.role !== 'candidate' || message.term !== this.currentTerm || !message.granted) return;
        this.votes.add(from);
        if (this.votes.size >= this.majority) this.becomeLeader(context);
        return;
      }
      case 'append': {
        if (message.term < this.currentTerm) {
          context.send(from, { type: 'appendReply', term: this.currentTerm, success: false, matchIndex: 0 });
          return;
        }
        if (this.role !== 'follower') this.role = 'follower';
        this.resetElectionTimer(context);
        if (message.prevIndex > this.lastIndex || this.termAt(message.prevIndex) !== message.prevTerm) {
          // The consistency check: the leader will walk nextIndex back until our logs agree.
          context.send(from, {
            type: 'appendReply',
            term: this.currentTerm,
            success: false,
            matchIndex: Math.min(this.lastIndex, message.prevIndex - 1),
          });
          return;
        }
        message.entries.forEach((entry, offset) => {
          const index = message.prevIndex + 1 + offset;
          if (this.termAt(index) !== entry.term) {
            if (index <= this.lastIndex)
              context.note(`truncates its log from index ${index} (conflict with leader ${from})`);
            this.log.length = index - 1;
            this.log.push(entry);
          }
        });
        const matchIndex = message.prevIndex + message.entries.length;
        this.commitIndex = Math.max(this.commitIndex, Math.min(message.leaderCommit, matchIndex));
        this.apply();
        context.send(from, { type: 'appendReply', term: this.currentTerm, success: true, matchIndex });
        return;
      }
      case 'appendReply': {
        if (this.role !== 'leader' || message.term !== this.currentTerm) return;
        if (message.success) {
          this.matchIndex.set(from, Math.max(this.matchIndex.get(from) ?? 0, message.matchIndex));
          this.nextIndex.set(from, (this.matchIndex.get(from) ?? 0) + 1);
          this.advanceCommit(context);
          if ((this.nextIndex.get(from) ?? 0) <= this.lastIndex) this.replicate(from, context);
        } else {
          const before = this.nextIndex.get(from) ?? 1;
          const next = Math.max(1, Math.min(before - 1, message.matchIndex + 1));
          this.nextIndex.set(from, next);
          context.note(`log repair: nextIndex of ${from} ${before} → ${next}`);
          this.replicate(from, context);
        }
        return;
      }
    }
  }

  private advanceCommit(context: NodeContext<RaftMessage>): void {
    for (let index = this.lastIndex; index > this.commitIndex; index -= 1) {
      // Only entries of the leader's own term are committed by counting (figure 8 of the paper).
      if (this.termAt(index) !== this.currentTerm) break;
      const stored = 1 + this.peers.filter((peer) => (this.matchIndex.get(peer) ?? 0) >= index).length;
      if (stored >= this.majority) {
        for (let committed = this.commitIndex + 1; committed <= index; committed += 1) {
          const entry = this.log[committed - 1]!;
          const earlier = this.observed.committed.get(committed);
          if (earlier && (earlier.entry.term !== entry.term || earlier.entry.command !== entry.command)) {
            this.observed.violations.push(
              `index ${committed} committed twice: ${earlier.entry.command} and ${entry.command}`,
            );
          }
          if (!earlier) this.observed.committed.set(committed, { entry, leaderTerm: this.currentTerm });
        }
        context.note(`commits up to index ${index}`);
        this.commitIndex = index;
        this.apply();
        return;
      }
    }
  }

  private apply(): void {
    const applied = this.observed.applied.get(this.id) ?? new Map<number, LogEntry>();
    this.observed.applied.set(this.id, applied);
    while (this.lastApplied < this.commitIndex) {
      this.lastApplied += 1;
      const entry = this.log[this.lastApplied - 1]!;
      applied.set(this.lastApplied, entry);
    }
  }
}

export interface RaftRun {
  readonly network: Network<RaftMessage>;
  readonly nodes: readonly RaftNode[];
  readonly observed: RaftObservations;
  readonly violations: readonly string[];
}

export function describeRaftMessage(message: RaftMessage): string {
  switch (message.type) {
    case 'requestVote':
      return `RequestVote term ${message.term} (last log ${message.lastLogIndex}/${message.lastLogTerm})`;
    case 'vote':
      return `${message.granted ? 'vote granted' : 'vote refused'} term ${message.term}`;
    case 'append':
      return `AppendEntries term ${message.term} prev ${message.prevIndex}/${message.prevTerm} +${message.entries.length} commit ${message.leaderCommit}`;
    case 'appendReply':
      return `${message.success ? 'ok' : 'mismatch'} term ${message.term} match ${message.matchIndex}`;
  }
}

export function runRaft(options: RaftOptions): RaftRun {
  const count = options.nodes ?? 5;
  const until = options.until ?? 600;
  const network = new Network<RaftMessage>(
    { maxDown: Math.floor((count - 1) / 2), crashWindow: until - 100, ...options },
    describeRaftMessage,
  );
  const observed: RaftObservations = {
    leaders: new Map(),
    committed: new Map(),
    applied: new Map(),
    violations: [],
  };
  const ids = Array.from({ length: count }, (_, i) => i);
  const nodes = ids.map(
    (id) =>
      new RaftNode(
        id,
        ids.filter((other) => other !== id),
        options,
        observed,
      ),
  );
  for (const node of nodes) network.add(node);
  for (let i = 1; i <= (options.commands ?? 20); i += 1) {
    const time = network.random.int(20, until - 100);
    network.at(time, -1, `client submits c${i}`, () => {
      for (const node of nodes) if (network.isUp(node.id)) node.submit(`c${i}`, network.context(node.id));
    });
  }
  for (let i = 0; i < (options.leaderCrashes ?? 2); i += 1) {
    network.at(network.random.int(50, until - 150), -1, 'crash the leader', () => {
      const leader = nodes.find((node) => network.isUp(node.id) && node.role === 'leader');
      if (leader) network.crashNow(leader.id, network.random.int(20, 80));
    });
  }
  network.run({ until });
  const violations = [
    ...observed.violations,
    ...checkLogMatching(nodes),
    ...checkStateMachineSafety(observed),
  ];
  return { network, nodes, observed, violations };
}

/** If two logs have an entry with the same index and term, they are identical up to it. */
export function checkLogMatching(nodes: readonly RaftNode[]): string[] {
  const violations: string[] = [];
  for (const a of nodes) {
    for (const b of nodes) {
      if (a.id >= b.id) continue;
      const shared = Math.min(a.log.length, b.log.length);
      let lastAgreement = 0;
      for (let i = shared; i >= 1; i -= 1) {
        if (a.log[i - 1]!.term === b.log[i - 1]!.term) {
          lastAgreement = i;
          break;
        }
      }
      for (let i = 1; i <= lastAgreement; i += 1) {
        const x = a.log[i - 1]!;
        const y = b.log[i - 1]!;
        if (x.term !== y.term || x.command !== y.command) {
          violations.push(
            `log matching: nodes ${a.id} and ${b.id} agree at ${lastAgreement} but differ at ${i}`,
          );
          break;
        }
      }
    }
  }
  return violations;
}

/** No two nodes apply different commands at the same index. */
export function checkStateMachineSafety(observed: RaftObservations): string[] {
  const violations: string[] = [];
  const first = new Map<number, LogEntry>();
  for (const [node, applied] of observed.applied) {
    for (const [index, entry] of applied) {
      const seen = first.get(index);
      if (!seen) first.set(index, entry);
      else if (seen.command !== entry.command || seen.term !== entry.term) {
        violations.push(
          `state machine safety: node ${node} applied ${entry.command} at ${index}, another applied ${seen.command}`,
        );
      }
    }
  }
  return violations;
}
