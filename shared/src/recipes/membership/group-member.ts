import { EventEmitter } from 'node:events';
import type { NodeData, ZooKeeperClient } from '../../client/index.ts';
import { joinPath, toBytes, validatePath } from '../../client/index.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { localAddress } from '../core/local-address.ts';
import { PersistentNode } from '../nodes/persistent-node.ts';
import { GroupMembersView, type GroupMembersViewEvents } from './group-members-view.ts';

const RECIPE = 'GroupMember';

export interface GroupMemberEvents extends GroupMembersViewEvents {
  /** our member node was created (at start, and again after every loss) */
  joined: [path: string];
  /** our member node is gone (session lost, or deleted by someone); it is being re-created */
  membershipLost: [path: string];
}

/**
 * Membership in a group, and a live view of the whole group — Curator's GroupMember on the same
 * path: each member is an ephemeral node `<group>/<memberId>` (no protection prefix, no sequence)
 * holding its payload, so Java and TypeScript members see each other.
 *
 * ```
 * /groups/workers            container
 *   worker-a                 [E] payload (default: the host address, as Curator)
 *   worker-b                 [E]
 * ```
 *
 * ```ts
 * const member = new GroupMember(client, '/groups/workers', 'worker-a', JSON.stringify({ slots: 4 }));
 * member.on('memberJoined', (id) => rebalance());
 * member.on('memberLeft', (id) => rebalance());
 * await member.start();
 * console.log([...member.currentMembers.keys()]);    // includes 'worker-a'
 * await member.close();                               // leaves the group
 * ```
 *
 * The member node is a PersistentNode: if it is deleted, or lost with the session, it is created
 * again — with the same id and payload — as soon as possible.
 *
 * Connection policy: while suspended we stay a member (our node lives as long as the session) and
 * the view may be stale. On "lost" our node is gone — other members see us leave ("membershipLost"
 * here) — and it is re-created on the new session ("joined" again); the view is read again.
 */
export class GroupMember extends EventEmitter<GroupMemberEvents> {
  private readonly node: PersistentNode;
  private readonly view: GroupMembersView;
  private payload: Buffer;

  constructor(
    client: ZooKeeperClient,
    readonly groupPath: string,
    readonly memberId: string,
    payload?: NodeData,
  ) {
    super();
    validatePath(groupPath, { operation: RECIPE });
    if (typeof memberId !== 'string' || memberId.length === 0 || memberId.includes('/')) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        groupPath,
        `memberId must be a non-empty node name without "/", got ${JSON.stringify(memberId)}`,
      );
    }
    validatePath(joinPath(groupPath, memberId), { operation: RECIPE });
    this.payload = Buffer.from(toBytes(payload ?? localAddress()));
    this.node = new PersistentNode(client, joinPath(groupPath, memberId), {
      mode: 'ephemeral',
      data: this.payload,
    });
    this.view = new GroupMembersView(client, groupPath);
    this.node.on('nodeCreated', (path) => this.emit('joined', path));
    this.node.on('nodeDeleted', (path) => this.emit('membershipLost', path));
    this.view.on('memberJoined', (id, data) => this.emit('memberJoined', id, data));
    this.view.on('memberLeft', (id) => this.emit('memberLeft', id));
    this.view.on('memberChanged', (id, data) => this.emit('memberChanged', id, data));
    this.view.on('failure', (error) => this.emit('failure', error));
    this.node.on('failure', (error) => this.emit('failure', error));
  }

  /**
   * Joins the group; resolves once our node exists and the group has been read. If that does not
   * happen within the deadline, it rejects (TIMEOUT / ABORTED) and leaves the group again.
   */
  async start(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = new Deadline(RECIPE, this.groupPath, options.timeoutMs, options.signal);
    this.node.start();
    try {
      await this.node.waitForInitialCreate({ signal: deadline.signal });
      await this.view.start({ signal: deadline.signal });
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Whether our member node exists right now. */
  get isMember(): boolean {
    return this.node.isPresent;
  }

  /** Member id → payload of every member, ours included (with our current payload). */
  get currentMembers(): Map<string, Buffer> {
    const members = this.view.members;
    members.set(this.memberId, this.payload);
    return members;
  }

  /** Changes our payload, in the node now and for every re-creation. */
  async setPayload(payload: NodeData): Promise<void> {
    this.payload = Buffer.from(toBytes(payload));
    await this.node.setData(this.payload);
  }

  /** Leaves the group (deletes our node) and stops watching it. */
  async close(): Promise<void> {
    await Promise.all([this.node.close(), this.view.close()]);
  }
}
