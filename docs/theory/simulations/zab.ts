import {
  Network,
  type NetworkOptions,
  type NodeContext,
  type NodeId,
  type SimulatedNode,
} from './scheduler.ts';

/**
 * ZAB, the ZooKeeper Atomic Broadcast protocol, as ZooKeeper runs it:
 *  0. election (fast leader election, simplified): LOOKING servers exchange votes and prefer the
 *     highest (epoch, last zxid, id), so the winner holds every transaction a quorum may have committed;
 *  1. discovery: the leader collects a quorum's acceptedEpoch, proposes a new epoch e, and each
 *     follower promises (acceptedEpoch = e) to ignore older leaders, reporting its last zxid;
 *  2. synchronisation: the leader brings each follower to its own history (DIFF, TRUNC or SNAP);
 *     once a quorum has it (NEWLEADER acked) the whole history is committed;
 *  3. broadcast: PROPOSAL → ACK from a quorum → COMMIT, in zxid order over FIFO channels.
 *
 * Checks: a transaction committed once is in the history of every later established leader
 * (nothing committed is lost), no zxid is committed with two commands, and every server delivers
 * the same sequence (each one's deliveries are a prefix of one order).
 */

export interface Transaction {
  readonly zxid: number;
  readonly command: string;
}

const COUNTER_BITS = 2 ** 20;
export const zxidOf = (epoch: number, counter: number): number => epoch * COUNTER_BITS + counter;
export const epochOf = (zxid: number): number => Math.floor(zxid / COUNTER_BITS);
export const formatZxid = (zxid: number): string => `${epochOf(zxid)}:${zxid % COUNTER_BITS}`;

type ServerState = 'looking' | 'following' | 'leading';
interface Vote {
  readonly leader: NodeId;
  readonly zxid: number;
  readonly peerEpoch: number;
}

export type ZabMessage =
  | { type: 'vote'; round: number; vote: Vote; state: ServerState }
  | { type: 'followerInfo'; acceptedEpoch: number }
  | { type: 'leaderInfo'; epoch: number }
  | { type: 'ackEpoch'; epoch: number; currentEpoch: number; lastZxid: number }
  | { type: 'sync'; epoch: number; mode: string; history: readonly Transaction[] }
  | { type: 'ackNewLeader'; epoch: number }
  | { type: 'upToDate'; epoch: number; commitZxid: number }
  | { type: 'proposal'; epoch: number; txn: Transaction }
  | { type: 'ack'; epoch: number; zxid: number }
  | { type: 'commit'; epoch: number; zxid: number }
  | { type: 'ping'; epoch: number }
  | { type: 'pingReply'; epoch: number; lastZxid: number };

export interface ZabOptions extends NetworkOptions {
  nodes?: number;
  commands?: number;
  until?: number;
  /** Crash whoever leads this many times (on top of random crashes), so leadership changes. Default 2. */
  leaderCrashes?: number;
  /**
   * Broken on purpose: votes compare server ids only, and the leader does not check that its
   * followers are behind it — a server missing committed transactions can become leader.
   */
  electionIgnoresHistory?: boolean;
}

export interface ZabObservations {
  readonly committed: Map<number, string>;
  /** The one delivery order every server must follow. */
  readonly sequence: Transaction[];
  readonly established: { leader: NodeId; epoch: number; time: number }[];
  readonly violations: string[];
}

const PING = 5;
const DEAD_AFTER = 25;

export class ZabNode implements SimulatedNode<ZabMessage> {
  // Durable.
  acceptedEpoch = 0;
  currentEpoch = 0;
  history: Transaction[] = [];
  // Volatile.
  state: ServerState = 'looking';
  private round = 0;
  private vote: Vote = { leader: -1, zxid: 0, peerEpoch: 0 };
  private votes = new Map<NodeId, Vote>();
  private leaderId: NodeId = -1;
  private phase: 'discovery' | 'sync' | 'broadcast' = 'discovery';
  private epoch = 0;
  private followerInfos = new Map<NodeId, number>();
  private ackEpochs = new Set<NodeId>();
  private ackNewLeader = new Set<NodeId>();
  private forwarding = new Set<NodeId>();
  private acks = new Map<number, Set<NodeId>>();
  private committedCount = 0;
  private delivered = 0;
  private lastHeard = new Map<NodeId, number>();
  private incarnation = 0;

  constructor(
    readonly id: NodeId,
    private readonly peers: readonly NodeId[],
    private readonly options: ZabOptions,
    private readonly observed: ZabObservations,
  ) {}

  private get quorum(): number {
    return Math.floor((this.peers.length + 1) / 2) + 1;
  }

  get lastZxid(): number {
    return this.history.at(-1)?.zxid ?? 0;
  }

  get deliveredCount(): number {
    return this.delivered;
  }

  start(context: NodeContext<ZabMessage>): void {
    this.lookForLeader(context);
  }

  crash(): void {
    this.state = 'looking';
    this.delivered = 0;
    this.committedCount = 0;
    this.forwarding.clear();
    this.acks.clear();
  }

  private better(a: Vote, b: Vote): boolean {
    if (this.options.electionIgnoresHistory) return a.leader > b.leader;
    if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
    if (a.zxid !== b.zxid) return a.zxid > b.zxid;
    return a.leader > b.leader;
  }

  private ownVote(): Vote {
    return { leader: this.id, zxid: this.lastZxid, peerEpoch: this.currentEpoch };
  }

  private lookForLeader(context: NodeContext<ZabMessage>, reason?: string): void {
    if (reason) context.note(`back to LOOKING: ${reason}`);
    this.state = 'looking';
    this.incarnation += 1;
    this.round += 1;
    this.vote = this.ownVote();
    this.votes = new Map([[this.id, this.vote]]);
    this.forwarding.clear();
    this.acks.clear();
    context.broadcast({ type: 'vote', round: this.round, vote: this.vote, state: 'looking' });
    context.setTimer(10, `renotify ${this.incarnation}`);
  }

  timer(tag: string, context: NodeContext<ZabMessage>): void {
    if (tag !== `renotify ${this.incarnation}` && tag !== `tick ${this.incarnation}`) return;
    if (this.state === 'looking') {
      context.broadcast({ type: 'vote', round: this.round, vote: this.vote, state: 'looking' });
      context.setTimer(10, `renotify ${this.incarnation}`);
      return;
    }
    const alive = (peer: NodeId): boolean =>
      context.now - (this.lastHeard.get(peer) ?? -Infinity) <= DEAD_AFTER;
    if (this.state === 'following') {
      if (!alive(this.leaderId)) return this.lookForLeader(context, `leader ${this.leaderId} silent`);
    } else {
      if (this.phase !== 'broadcast' && context.now - this.electedAt > 2 * DEAD_AFTER) {
        return this.lookForLeader(context, 'no quorum established the new epoch');
      }
      const heard = [...this.forwarding].filter(alive).length + 1;
      if (this.phase === 'broadcast' && heard < this.quorum)
        return this.lookForLeader(context, 'lost its quorum');
      for (const follower of this.forwarding) context.send(follower, { type: 'ping', epoch: this.epoch });
    }
    context.setTimer(PING, `tick ${this.incarnation}`);
  }

  private electedAt = 0;

  private decide(context: NodeContext<ZabMessage>): void {
    this.incarnation += 1;
    this.electedAt = context.now;
    if (this.vote.leader === this.id) {
      this.state = 'leading';
      this.phase = 'discovery';
      this.epoch = 0;
      this.followerInfos = new Map([[this.id, this.acceptedEpoch]]);
      this.ackEpochs = new Set([this.id]);
      this.ackNewLeader = new Set([this.id]);
      this.followerLast.clear();
      context.note(`elected leader (last zxid ${formatZxid(this.lastZxid)}); discovery`);
    } else {
      this.follow(this.vote.leader, context);
    }
    context.setTimer(PING, `tick ${this.incarnation}`);
  }

  private follow(leader: NodeId, context: NodeContext<ZabMessage>): void {
    this.state = 'following';
    this.leaderId = leader;
    this.lastHeard.set(leader, context.now);
    context.send(leader, { type: 'followerInfo', acceptedEpoch: this.acceptedEpoch });
  }

  submit(command: string, context: NodeContext<ZabMessage>): void {
    if (this.state !== 'leading' || this.phase !== 'broadcast') return;
    const inEpoch = this.history.filter((txn) => epochOf(txn.zxid) === this.epoch).length;
    const txn = { zxid: zxidOf(this.epoch, inEpoch + 1), command };
    this.history.push(txn);
    this.acks.set(txn.zxid, new Set([this.id]));
    context.note(`proposes ${command} as ${formatZxid(txn.zxid)}`);
    for (const follower of this.forwarding)
      context.send(follower, { type: 'proposal', epoch: this.epoch, txn });
  }

  receive(from: NodeId, message: ZabMessage, context: NodeContext<ZabMessage>): void {
    if (message.type !== 'vote') {
      if (this.state === 'following' && from === this.leaderId) this.lastHeard.set(from, context.now);
      if (this.state === 'leading') this.lastHeard.set(from, context.now);
    } else if (message.state === 'looking') {
      // A LOOKING vote from our leader or follower means it left (it crashed and came back, or gave up).
      if (this.state === 'following' && from === this.leaderId)
        return this.lookForLeader(context, `leader ${from} is LOOKING`);
      if (this.state === 'leading') this.forwarding.delete(from);
    }
    switch (message.type) {
      case 'vote':
        return this.onVote(from, message, context);
      case 'followerInfo':
        return this.onFollowerInfo(from, message.acceptedEpoch, context);
      case 'leaderInfo':
        if (this.state !== 'following' || from !== this.leaderId) return;
        if (message.epoch < this.acceptedEpoch)
          return this.lookForLeader(context, 'leader offers an old epoch');
        // The promise of discovery: from now on, nothing from an older epoch is accepted.
        this.acceptedEpoch = message.epoch;
        context.send(from, {
          type: 'ackEpoch',
          epoch: message.epoch,
          currentEpoch: this.currentEpoch,
          lastZxid: this.lastZxid,
        });
        return;
      case 'ackEpoch':
        return this.onAckEpoch(from, message, context);
      case 'sync': {
        if (this.state !== 'following' || from !== this.leaderId || message.epoch !== this.acceptedEpoch)
          return;
        const kept = message.history.findIndex((txn, i) => this.history[i]?.zxid !== txn.zxid);
        const agreeing = kept === -1 ? Math.min(message.history.length, this.history.length) : kept;
        if (this.delivered > agreeing) {
          this.observed.violations.push(
            `server ${this.id} told to drop delivered transaction ${formatZxid(this.history[agreeing]?.zxid ?? 0)}`,
          );
          this.delivered = agreeing;
        }
        context.note(
          `${message.mode} from leader ${from}: history now ends at ${formatZxid(message.history.at(-1)?.zxid ?? 0)}`,
        );
        this.history = [...message.history];
        this.currentEpoch = message.epoch;
        this.epoch = message.epoch;
        context.send(from, { type: 'ackNewLeader', epoch: message.epoch });
        return;
      }
      case 'ackNewLeader':
        return this.onAckNewLeader(from, message.epoch, context);
      case 'upToDate':
      case 'commit': {
        if (this.state !== 'following' || from !== this.leaderId || message.epoch !== this.epoch) return;
        const zxid = message.type === 'commit' ? message.zxid : message.commitZxid;
        const index = this.history.findIndex((txn) => txn.zxid === zxid);
        if (index === -1 && zxid !== 0)
          return this.lookForLeader(context, `commit for ${formatZxid(zxid)} it never saw`);
        this.deliver(index + 1, context);
        return;
      }
      case 'proposal': {
        if (this.state !== 'following' || from !== this.leaderId || message.epoch !== this.currentEpoch)
          return;
        const expected = zxidOf(
          this.epoch,
          this.history.filter((txn) => epochOf(txn.zxid) === this.epoch).length + 1,
        );
        // A lost message on a TCP connection means the connection broke; rejoin and resynchronise.
        if (message.txn.zxid !== expected)
          return this.lookForLeader(context, `gap before ${formatZxid(message.txn.zxid)}`);
        this.history.push(message.txn);
        context.send(from, { type: 'ack', epoch: message.epoch, zxid: message.txn.zxid });
        return;
      }
      case 'ack':
        if (this.state === 'leading' && message.epoch === this.epoch)
          this.acknowledge(from, message.zxid, context);
        return;
      case 'ping':
        if (this.state === 'following' && from === this.leaderId && message.epoch === this.epoch) {
          context.send(from, { type: 'pingReply', epoch: this.epoch, lastZxid: this.lastZxid });
        }
        return;
      case 'pingReply':
        // A cumulative acknowledgement: it repairs ACKs the network lost.
        if (this.state === 'leading' && message.epoch === this.epoch && this.phase === 'broadcast') {
          this.acknowledge(from, message.lastZxid, context);
        }
        return;
    }
  }

  private onVote(
    from: NodeId,
    message: Extract<ZabMessage, { type: 'vote' }>,
    context: NodeContext<ZabMessage>,
  ): void {
    if (this.state !== 'looking') {
      if (message.state === 'looking') {
        const leader = this.state === 'leading' ? this.id : this.leaderId;
        context.send(from, {
          type: 'vote',
          round: message.round,
          vote: { leader, zxid: this.lastZxid, peerEpoch: this.currentEpoch },
          state: this.state,
        });
      }
      return;
    }
    if (message.state === 'leading' && message.vote.leader === from) {
      context.note(`joins the established leader ${from}`);
      this.incarnation += 1;
      this.follow(from, context);
      context.setTimer(PING, `tick ${this.incarnation}`);
      return;
    }
    if (message.state !== 'looking') return;
    if (message.round > this.round) {
      this.round = message.round;
      this.vote = this.better(message.vote, this.ownVote()) ? message.vote : this.ownVote();
      this.votes = new Map();
      context.broadcast({ type: 'vote', round: this.round, vote: this.vote, state: 'looking' });
    } else if (message.round < this.round) {
      return;
    } else if (this.better(message.vote, this.vote)) {
      this.vote = message.vote;
      context.broadcast({ type: 'vote', round: this.round, vote: this.vote, state: 'looking' });
    }
    this.votes.set(from, message.vote);
    this.votes.set(this.id, this.vote);
    const agreeing = [...this.votes.values()].filter((vote) => vote.leader === this.vote.leader).length;
    if (agreeing >= this.quorum) this.decide(context);
  }

  private onFollowerInfo(from: NodeId, acceptedEpoch: number, context: NodeContext<ZabMessage>): void {
    if (this.state !== 'leading') return;
    if (this.phase !== 'discovery') {
      context.send(from, { type: 'leaderInfo', epoch: this.epoch });
      return;
    }
    this.followerInfos.set(from, acceptedEpoch);
    if (this.epoch === 0 && this.followerInfos.size >= this.quorum) {
      this.epoch = Math.max(...this.followerInfos.values()) + 1;
      this.acceptedEpoch = this.epoch;
      context.note(`discovery: quorum reached, new epoch ${this.epoch}`);
      for (const follower of this.followerInfos.keys()) {
        if (follower !== this.id) context.send(follower, { type: 'leaderInfo', epoch: this.epoch });
      }
    } else if (this.epoch !== 0) {
      context.send(from, { type: 'leaderInfo', epoch: this.epoch });
    }
  }

  private onAckEpoch(
    from: NodeId,
    message: Extract<ZabMessage, { type: 'ackEpoch' }>,
    context: NodeContext<ZabMessage>,
  ): void {
    if (this.state !== 'leading' || message.epoch !== this.epoch) return;
    this.followerLast.set(from, message.lastZxid);
    const ahead =
      message.currentEpoch > this.currentEpoch ||
      (message.currentEpoch === this.currentEpoch && message.lastZxid > this.lastZxid);
    if (this.phase === 'discovery' && ahead && !this.options.electionIgnoresHistory) {
      return this.lookForLeader(context, `follower ${from} is ahead (${formatZxid(message.lastZxid)})`);
    }
    this.ackEpochs.add(from);
    if (this.phase === 'discovery' && this.ackEpochs.size >= this.quorum) {
      this.phase = 'sync';
      this.currentEpoch = this.epoch;
      for (const follower of this.ackEpochs) if (follower !== this.id) this.synchronise(follower, context);
    } else if (this.phase !== 'discovery') {
      this.synchronise(from, context);
    }
  }

  private followerLast = new Map<NodeId, number>();

  private synchronise(follower: NodeId, context: NodeContext<ZabMessage>): void {
    const theirs = this.followerLast.get(follower) ?? 0;
    const known = theirs === 0 || this.history.some((txn) => txn.zxid === theirs);
    const mode = !known ? 'TRUNC' : theirs === this.lastZxid ? 'DIFF (nothing missing)' : 'DIFF';
    context.send(follower, { type: 'sync', epoch: this.epoch, mode, history: [...this.history] });
    // Queued after the sync on the same connection, so the follower sees them in order.
    this.forwarding.add(follower);
  }

  private onAckNewLeader(from: NodeId, epoch: number, context: NodeContext<ZabMessage>): void {
    if (this.state !== 'leading' || epoch !== this.epoch) return;
    this.ackNewLeader.add(from);
    if (this.phase === 'sync' && this.ackNewLeader.size >= this.quorum) {
      this.phase = 'broadcast';
      this.observed.established.push({ leader: this.id, epoch: this.epoch, time: context.now });
      for (const [zxid, command] of this.observed.committed) {
        if (!this.history.some((txn) => txn.zxid === zxid && txn.command === command)) {
          this.observed.violations.push(
            `leader ${this.id} of epoch ${this.epoch} lost committed transaction ${formatZxid(zxid)} (${command})`,
          );
        }
      }
      context.note(
        `established epoch ${this.epoch}: commits its whole history (${this.history.length} txns)`,
      );
      this.commitUpTo(this.history.length, context);
      for (const follower of this.ackNewLeader) {
        if (follower !== this.id)
          context.send(follower, { type: 'upToDate', epoch: this.epoch, commitZxid: this.lastCommittedZxid });
      }
    } else if (this.phase === 'broadcast') {
      context.send(from, { type: 'upToDate', epoch: this.epoch, commitZxid: this.lastCommittedZxid });
    }
  }

  private get lastCommittedZxid(): number {
    return this.history[this.committedCount - 1]?.zxid ?? 0;
  }

  private acknowledge(from: NodeId, zxid: number, context: NodeContext<ZabMessage>): void {
    for (const txn of this.history) {
      if (txn.zxid <= zxid && epochOf(txn.zxid) === this.epoch) this.acks.get(txn.zxid)?.add(from);
    }
    let count = this.committedCount;
    while (
      count < this.history.length &&
      (this.acks.get(this.history[count]!.zxid)?.size ?? 0) >= this.quorum
    )
      count += 1;
    if (count > this.committedCount) {
      const last = this.history[count - 1]!.zxid;
      this.commitUpTo(count, context);
      for (const follower of this.forwarding)
        context.send(follower, { type: 'commit', epoch: this.epoch, zxid: last });
    }
  }

  private commitUpTo(count: number, context: NodeContext<ZabMessage>): void {
    for (let i = this.committedCount; i < count; i += 1) {
      const txn = this.history[i]!;
      const earlier = this.observed.committed.get(txn.zxid);
      if (earlier !== undefined && earlier !== txn.command) {
        this.observed.violations.push(
          `zxid ${formatZxid(txn.zxid)} committed as ${earlier} and as ${txn.command}`,
        );
      }
      this.observed.committed.set(txn.zxid, txn.command);
    }
    this.committedCount = Math.max(this.committedCount, count);
    this.deliver(count, context);
  }

  private deliver(count: number, context: NodeContext<ZabMessage>): void {
    for (; this.delivered < count; this.delivered += 1) {
      const txn = this.history[this.delivered]!;
      const agreed = this.observed.sequence[this.delivered];
      if (!agreed) this.observed.sequence.push(txn);
      else if (agreed.zxid !== txn.zxid || agreed.command !== txn.command) {
        this.observed.violations.push(
          `prefix order: server ${this.id} delivers ${formatZxid(txn.zxid)} ${txn.command} at position ${this.delivered + 1}, ` +
            `others delivered ${formatZxid(agreed.zxid)} ${agreed.command}`,
        );
      }
    }
    void context;
  }
}

export interface ZabRun {
  readonly network: Network<ZabMessage>;
  readonly nodes: readonly ZabNode[];
  readonly observed: ZabObservations;
  readonly violations: readonly string[];
}

export function describeZabMessage(message: ZabMessage): string {
  switch (message.type) {
    case 'vote':
      return `vote for ${message.vote.leader} (epoch ${message.vote.peerEpoch}, zxid ${formatZxid(message.vote.zxid)}) round ${message.round}, ${message.state}`;
    case 'followerInfo':
      return `FOLLOWERINFO acceptedEpoch ${message.acceptedEpoch}`;
    case 'leaderInfo':
      return `LEADERINFO new epoch ${message.epoch}`;
    case 'ackEpoch':
      return `ACKEPOCH ${message.epoch} (current epoch ${message.currentEpoch}, last zxid ${formatZxid(message.lastZxid)})`;
    case 'sync':
      return `${message.mode} + NEWLEADER ${message.epoch} (${message.history.length} txns)`;
    case 'ackNewLeader':
      return `ACK NEWLEADER ${message.epoch}`;
    case 'upToDate':
      return `UPTODATE commit to ${formatZxid(message.commitZxid)}`;
    case 'proposal':
      return `PROPOSAL ${formatZxid(message.txn.zxid)} ${message.txn.command}`;
    case 'ack':
      return `ACK ${formatZxid(message.zxid)}`;
    case 'commit':
      return `COMMIT ${formatZxid(message.zxid)}`;
    case 'ping':
      return 'PING';
    case 'pingReply':
      return `PING reply (last zxid ${formatZxid(message.lastZxid)})`;
  }
}

export function runZab(options: ZabOptions): ZabRun {
  const count = options.nodes ?? 5;
  const until = options.until ?? 600;
  const network = new Network<ZabMessage>(
    { maxDown: Math.floor((count - 1) / 2), crashWindow: until - 100, fifo: true, ...options },
    describeZabMessage,
  );
  const observed: ZabObservations = { committed: new Map(), sequence: [], established: [], violations: [] };
  const ids = Array.from({ length: count }, (_, i) => i);
  const nodes = ids.map(
    (id) =>
      new ZabNode(
        id,
        ids.filter((other) => other !== id),
        options,
        observed,
      ),
  );
  for (const node of nodes) network.add(node);
  for (let i = 1; i <= (options.commands ?? 20); i += 1) {
    network.at(network.random.int(20, until - 100), -1, `client submits c${i}`, () => {
      for (const node of nodes) if (network.isUp(node.id)) node.submit(`c${i}`, network.context(node.id));
    });
  }
  for (let i = 0; i < (options.leaderCrashes ?? 2); i += 1) {
    network.at(network.random.int(50, until - 150), -1, 'crash the leader', () => {
      const leader = nodes.find((node) => network.isUp(node.id) && node.state === 'leading');
      if (leader) network.crashNow(leader.id, network.random.int(20, 80));
    });
  }
  network.run({ until });
  return { network, nodes, observed, violations: [...observed.violations] };
}
