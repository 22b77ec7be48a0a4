import { Router } from 'express';
import { z } from 'zod';
import { EnsembleError, type LocalEnsemble, type MemberState } from '../../ensemble/index.ts';
import { HttpError, parseRequest } from '../../http/index.ts';

type Action = 'kill' | 'pause' | 'resume' | 'restart';

interface ActionRule {
  /** the process states the action makes sense in; anything else is a 409 */
  readonly from: readonly MemberState[];
  readonly run: (ensemble: LocalEnsemble, id: number) => Promise<void>;
  readonly status: number;
}

const ACTIONS: Record<Action, ActionRule> = {
  kill: { from: ['running', 'paused'], run: (ensemble, id) => ensemble.kill(id), status: 200 },
  pause: { from: ['running'], run: (ensemble, id) => ensemble.pause(id), status: 200 },
  resume: { from: ['paused'], run: (ensemble, id) => ensemble.resume(id), status: 200 },
  // Answers once the JVM runs (202): it serves only after rejoining the quorum, which the table shows.
  // LocalEnsemble.restart would also wait for that, holding the HTTP request for seconds.
  restart: {
    from: ['running', 'paused', 'stopped'],
    run: async (ensemble, id) => {
      const member = ensemble.member(id);
      if (member.state !== 'stopped') await member.stop();
      await member.start();
    },
    status: 202,
  },
};

const memberParams = z.object({ id: z.coerce.number().int().positive() });

/**
 * `POST /api/members/:id/{kill,pause,resume,restart}`, mounted only when the monitor owns a local
 * ensemble: fault injection from the dashboard. One action per member at a time (409 while another
 * runs), since e.g. a kill racing a restart leaves nobody sure which won.
 */
export function memberActionsRouter(
  ensemble: LocalEnsemble,
  { onChange }: { onChange?: (id: number) => void } = {},
): Router {
  const router = Router();
  const busy = new Set<number>();

  for (const [action, rule] of Object.entries(ACTIONS) as [Action, ActionRule][]) {
    router.post(`/api/members/:id/${action}`, async (request, response) => {
      const { params } = parseRequest(request, { params: memberParams });
      const member = ensemble.members.find((each) => each.id === params.id);
      if (!member) {
        throw new HttpError(404, 'UNKNOWN_MEMBER', `no server ${params.id} in this ensemble`, {
          ids: ensemble.members.map((each) => each.id),
        });
      }
      if (busy.has(member.id)) {
        throw new HttpError(409, 'MEMBER_BUSY', `server ${member.id} is busy with another action`);
      }
      if (!rule.from.includes(member.state)) {
        throw new HttpError(
          409,
          'INVALID_STATE',
          `cannot ${action} server ${member.id}: it is ${member.state}`,
          {
            state: member.state,
            allowedFrom: rule.from,
          },
        );
      }
      busy.add(member.id);
      try {
        await rule.run(ensemble, member.id);
      } catch (error) {
        if (error instanceof EnsembleError) throw new HttpError(409, 'ACTION_FAILED', error.message);
        throw error;
      } finally {
        busy.delete(member.id);
        onChange?.(member.id);
      }
      response.status(rule.status).json({ id: member.id, action, process: member.state });
    });
  }
  return router;
}
