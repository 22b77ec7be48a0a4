import {
  Network,
  type NetworkOptions,
  type NodeContext,
  type NodeId,
  type SimulatedNode,
} from './scheduler.ts';

/**
 * Two-phase and three-phase commit: one coordinator (node 0) and participants that each vote.
 *  2PC: prepare → votes → commit/abort. A participant that voted yes may not decide alone: if the
 *       coordinator dies after collecting the votes, every participant can be stuck "prepared"
 *       — blocked — until it returns, even though they talk to each other.
 *  3PC: prepare → votes → pre-commit → acks → commit. No participant commits before all know the
 *       vote was unanimous, so on a coordinator crash the survivors can decide among themselves
 *       (anyone pre-committed → commit, else abort). That needs reliable failure detection: with
 *       lost or slow messages the survivors can decide differently, which the checks catch.
 * Atomicity: all participants that decide, decide the same; commit only if every vote was yes.
 */

export type Protocol = '2pc' | '3pc';
type ParticipantState = 'initial' | 'prepared' | 'precommitted' | 'committed' | 'aborted';

export type CommitMessage =
  | { type: 'prepare' }
  | { type: 'vote'; yes: boolean }
  | { type: 'precommit' }
  | { type: 'ackPrecommit' }
  | { type: 'decision'; commit: boolean }
  | { type: 'stateQuery' }
  | { type: 'stateReply'; state: ParticipantState };

/** Where a coordinator that is told to crash stops. */
export type CoordinatorCrashPoint = 'after-votes' | 'after-first-precommit' | 'after-logging-commit';

export interface CommitOptions extends NetworkOptions {
  protocol: Protocol;
  participants?: number;
  /** Each participant's vote; default random, no with probability `noRate`. */
  votes?: readonly boolean[];
  noRate?: number;
  coordinatorCrash?: { at: CoordinatorCrashPoint; downtime: number };
  until?: number;
}

const TIMEOUT = 20;

class Coordinator implements SimulatedNode<CommitMessage> {
  // Durable: the decision is logged before anyone is told.
  decision: boolean | null = null;
  private votes = new Map<NodeId, boolean>();
  private acks = new Set<NodeId>();
  private round = 0;

  constructor(
    readonly id: NodeId,
    private readonly participants: readonly NodeId[],
    private readonly options: CommitOptions,
    private readonly network: Network<CommitMessage>,
  ) {}

  start(context: NodeContext<CommitMessage>): void {
    this.round += 1;
    if (this.decision !== null) {
      context.note(`recovers: logged decision ${this.decision ? 'commit' : 'abort'}, tells everyone again`);
      this.announce(this.decision, context);
      return;
    }
    if (this.round > 1) {
      // Presumed abort: no decision in the log means none was announced.
      context.note('recovers without a logged decision: abort');
      this.decide(false, context);
      return;
    }
    context.note('phase 1: prepare');
    for (const participant of this.participants) context.send(participant, { type: 'prepare' });
    context.setTimer(TIMEOUT, `votes ${this.round}`);
  }

  crash(): void {
    this.votes.clear();
    this.acks.clear();
  }

  private crashHere(point: CoordinatorCrashPoint): boolean {
    const plan = this.options.coordinatorCrash;
    if (plan?.at !== point) return false;
    this.network.crashNow(this.id, plan.downtime);
    return true;
  }

  private decide(commit: boolean, context: NodeContext<CommitMessage>): void {
    if (this.decision !== null) return;
    this.decision = commit;
    context.note(`decides ${commit ? 'COMMIT' : 'ABORT'} (logged)`);
    if (commit && this.crashHere('after-logging-commit')) return;
    this.announce(commit, context);
  }

  private announce(commit: boolean, context: NodeContext<CommitMessage>): void {
    for (const participant of this.participants) context.send(participant, { type: 'decision', commit });
  }

  timer(tag: string, context: NodeContext<CommitMessage>): void {
    // Missing votes count as no: the coordinator may always abort before it has decided.
    if (tag === `votes ${this.round}` && this.decision === null && this.acks.size === 0)
      this.decide(false, context);
    if (tag === `acks ${this.round}` && this.decision === null) this.decide(true, context);
  }

  receive(from: NodeId, message: CommitMessage, context: NodeContext<CommitMessage>): void {
    if (message.type === 'vote' && this.decision === null) {
      if (!message.yes) return this.decide(false, context);
      this.votes.set(from, true);
      if (this.votes.size < this.participants.length) return;
      if (this.crashHere('after-votes')) return;
      if (this.options.protocol === '2pc') return this.decide(true, context);
      context.note('all voted yes; phase 2: pre-commit');
      for (const participant of this.participants) {
        context.send(participant, { type: 'precommit' });
        if (this.crashHere('after-first-precommit')) return;
      }
      context.setTimer(TIMEOUT, `acks ${this.round}`);
    } else if (message.type === 'ackPrecommit' && this.decision === null) {
      this.acks.add(from);
      if (this.acks.size === this.participants.length) this.decide(true, context);
    } else if (message.type === 'stateQuery') {
      // A coordinator that has decided helps participants that missed the decision.
      if (this.decision !== null) context.send(from, { type: 'decision', commit: this.decision });
    }
  }
}

class Participant implements SimulatedNode<CommitMessage> {
  // Durable.
  state: ParticipantState = 'initial';
  private replies = new Map<NodeId, ParticipantState>();
  private attempt = 0;

  constructor(
    readonly id: NodeId,
    private readonly coordinator: NodeId,
    private readonly others: readonly NodeId[],
    readonly vote: boolean,
    private readonly protocol: Protocol,
  ) {}

  get decided(): boolean {
    return this.state === 'committed' || this.state === 'aborted';
  }

  start(context: NodeContext<CommitMessage>): void {
    if (this.state === 'prepared' || this.state === 'precommitted') this.waitForDecision(context);
  }

  crash(): void {
    this.replies.clear();
  }

  private waitForDecision(context: NodeContext<CommitMessage>): void {
    this.attempt += 1;
    context.setTimer(TIMEOUT, `decision ${this.attempt}`);
  }

  private finish(commit: boolean, context: NodeContext<CommitMessage>, why: string): void {
    if (this.decided) return;
    this.state = commit ? 'committed' : 'aborted';
    context.note(`${commit ? 'COMMITS' : 'ABORTS'} (${why})`);
  }

  timer(tag: string, context: NodeContext<CommitMessage>): void {
    if (this.decided) return;
    if (tag === `decision ${this.attempt}`) {
      // The coordinator is silent: ask everyone what they know (the termination protocol).
      this.replies = new Map();
      for (const other of [this.coordinator, ...this.others]) context.send(other, { type: 'stateQuery' });
      context.setTimer(TIMEOUT / 2, `terminate ${this.attempt}`);
    } else if (tag === `terminate ${this.attempt}`) {
      const states = [this.state, ...this.replies.values()];
      if (states.includes('committed')) return this.finish(true, context, 'a peer committed');
      if (states.includes('aborted') || states.includes('initial'))
        return this.finish(false, context, 'a peer aborted or never voted yes');
      if (this.protocol === '3pc') {
        // Nobody can have committed unless someone was pre-committed: the survivors may decide.
        if (states.includes('precommitted'))
          return this.finish(true, context, 'termination: someone pre-committed');
        return this.finish(false, context, 'termination: nobody pre-committed');
      }
      context.note(`BLOCKED: prepared, and no one it can reach knows the outcome`);
      this.waitForDecision(context);
    }
  }

  receive(from: NodeId, message: CommitMessage, context: NodeContext<CommitMessage>): void {
    switch (message.type) {
      case 'prepare':
        if (this.state !== 'initial') return;
        this.state = this.vote ? 'prepared' : 'aborted';
        context.send(from, { type: 'vote', yes: this.vote });
        if (this.vote) this.waitForDecision(context);
        return;
      case 'precommit':
        if (this.state !== 'prepared') return;
        this.state = 'precommitted';
        context.send(from, { type: 'ackPrecommit' });
        return;
      case 'decision':
        this.finish(
          message.commit,
          context,
          `told by ${from === this.coordinator ? 'the coordinator' : from}`,
        );
        return;
      case 'stateQuery':
        // Not yet voted: voting no now is allowed, and lets the asker abort.
        if (this.state === 'initial') this.state = 'aborted';
        context.send(from, { type: 'stateReply', state: this.state });
        return;
      case 'stateReply':
        this.replies.set(from, message.state);
        return;
      default:
        return;
    }
  }
}

export interface CommitRun {
  readonly network: Network<CommitMessage>;
  readonly votes: readonly boolean[];
  readonly states: readonly ParticipantState[];
  readonly violations: readonly string[];
}

export function describeCommitMessage(message: CommitMessage): string {
  switch (message.type) {
    case 'vote':
      return `vote ${message.yes ? 'yes' : 'no'}`;
    case 'decision':
      return message.commit ? 'COMMIT' : 'ABORT';
    case 'stateReply':
      return `my state: ${message.state}`;
    default:
      return message.type;
  }
}

export function runCommit(options: CommitOptions): CommitRun {
  const count = options.participants ?? 3;
  const network = new Network<CommitMessage>({ crashWindow: 60, ...options }, describeCommitMessage);
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const votes = ids.map((_, i) => options.votes?.[i] ?? !network.random.chance(options.noRate ?? 0.2));
  network.add(new Coordinator(0, ids, options, network));
  const participants = ids.map(
    (id, i) =>
      new Participant(
        id,
        0,
        ids.filter((other) => other !== id),
        votes[i]!,
        options.protocol,
      ),
  );
  for (const participant of participants) network.add(participant);
  network.run({ until: options.until ?? 400 });
  const states = participants.map((participant) => participant.state);
  return { network, votes, states, violations: checkAtomicity(votes, states) };
}

/** Atomic commitment: no mix of commit and abort, and commit only if everyone voted yes. */
export function checkAtomicity(votes: readonly boolean[], states: readonly ParticipantState[]): string[] {
  const violations: string[] = [];
  if (states.includes('committed') && states.includes('aborted')) {
    violations.push(`some participants committed and others aborted: ${states.join(', ')}`);
  }
  if (states.includes('committed') && votes.includes(false))
    violations.push('committed although someone voted no');
  return violations;
}
