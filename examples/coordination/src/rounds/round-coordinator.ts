import {
  deleteRecursive,
  ensurePath,
  isZooKeeperError,
  joinPath,
  op,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { DistributedBarrier } from '@zk-cookbook/core/recipes/barrier';
import {
  judgeRound,
  roundPaths,
  roundReportSchema,
  roundSchema,
  ROUND_PREFIX,
  type Round,
  type RoundReport,
} from './round.ts';

export interface RoundView {
  roundId: string;
  round: Round;
  gate: 'up' | 'down';
  reports: RoundReport[];
  /** present once every member has reported */
  verdict: ReturnType<typeof judgeRound> | undefined;
}

const KEEP_ROUNDS = 5;

/**
 * The monitor's side of the barrier demo: creates a round with its gate raised — in one
 * transaction, so no worker can see a round without its gate — and lowers the gate when told to.
 * Rounds are numbered by the monitor (`round-0000000007`), not by sequential nodes, so the round and
 * its gate can be created together; a concurrent creator gets NODEEXISTS and takes the next number.
 */
export class RoundCoordinator {
  constructor(
    private readonly client: ZooKeeperClient,
    private readonly roundsPath: string,
  ) {}

  async create(round: Omit<Round, 'createdAt'>): Promise<string> {
    await ensurePath(this.client, this.roundsPath, { parentMode: 'persistent' });
    for (;;) {
      const existing = await this.roundIds();
      const next = existing.length === 0 ? 0 : Number(existing.at(-1)!.slice(ROUND_PREFIX.length)) + 1;
      const roundId = `${ROUND_PREFIX}${String(next).padStart(10, '0')}`;
      const paths = roundPaths(this.roundsPath, roundId);
      try {
        await this.client.multi([
          op.create(paths.round, JSON.stringify({ ...round, createdAt: Date.now() } satisfies Round)),
          op.create(paths.gate, 'monitor'),
          op.create(paths.reports, null),
        ]);
      } catch (error) {
        if (isZooKeeperError(error, 'NODEEXISTS')) continue;
        throw error;
      }
      await this.prune(existing);
      return roundId;
    }
  }

  /** Lowers the round's gate: every waiting member goes on to the double barrier. */
  async go(roundId: string): Promise<void> {
    await new DistributedBarrier(this.client, roundPaths(this.roundsPath, roundId).gate).removeBarrier({
      timeoutMs: 10_000,
    });
  }

  async latest(): Promise<RoundView | undefined> {
    const last = (await this.roundIds()).at(-1);
    return last === undefined ? undefined : this.read(last);
  }

  /** The round and its reports; undefined if there is no such round. */
  async read(roundId: string): Promise<RoundView | undefined> {
    const paths = roundPaths(this.roundsPath, roundId);
    try {
      const { data } = await this.client.getData(paths.round);
      const round = roundSchema.parse(JSON.parse(data.toString('utf8')));
      const gate = (await this.client.exists(paths.gate)) ? 'up' : 'down';
      const { children } = await this.client.getChildren(paths.reports);
      const reports: RoundReport[] = [];
      for (const child of children.sort()) {
        const report = roundReportSchema.safeParse(
          JSON.parse((await this.client.getData(joinPath(paths.reports, child))).data.toString('utf8')),
        );
        if (report.success) reports.push(report.data);
      }
      return {
        roundId,
        round,
        gate,
        reports,
        verdict: reports.length >= round.memberQty ? judgeRound(reports) : undefined,
      };
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return undefined;
      throw error;
    }
  }

  private async roundIds(): Promise<string[]> {
    try {
      const { children } = await this.client.getChildren(this.roundsPath);
      return children.filter((name) => /^round-\d{10}$/.test(name)).sort();
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
  }

  /** Old rounds go, so the tree stays small; a round still running is among the newest kept. */
  private async prune(existing: readonly string[]): Promise<void> {
    for (const roundId of existing.slice(0, Math.max(0, existing.length + 1 - KEEP_ROUNDS)))
      await deleteRecursive(this.client, joinPath(this.roundsPath, roundId));
  }
}
