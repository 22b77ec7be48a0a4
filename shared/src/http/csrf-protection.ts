import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { HttpError } from './http-error.ts';

/** The header a page sends its token in. A custom header also forces a CORS preflight cross-site. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfProtection {
  /** Random per start: a page loaded before a restart must fetch the new one. */
  readonly token: string;
  /**
   * Guards every state-changing request (anything but GET, HEAD, OPTIONS): 403 unless it comes
   * from a page of this very origin and carries the token. Mount it before body parsing, so that a
   * cross-site body is never even read.
   */
  readonly guard: RequestHandler;
  /** `GET <path>` answers `{ header, token }` for the service's own pages. */
  tokenRouter(path: string): Router;
}

/**
 * Cross-site request forgery protection without cookies or sessions, for services that a browser
 * on the same machine talks to. A page on another site can make the browser send a POST here (a
 * form, or fetch with mode no-cors) but cannot read our answers, so it can neither learn the token
 * nor set a custom header without a CORS preflight that this service never approves. The Origin
 * check covers browsers first; the token covers anything that forges or strips Origin.
 *
 * The token is handed out by a GET that only a same-origin page can read — which is why the Host
 * check must run too: without it, a DNS-rebound page *is* same-origin.
 */
export function csrfProtection(): CsrfProtection {
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  return {
    token,
    guard(request, _response, next) {
      if (SAFE_METHODS.has(request.method)) {
        next();
        return;
      }
      const crossSite = crossSiteReason(request, { requireOriginProof: true });
      if (crossSite) {
        next(crossSite);
        return;
      }
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent === '') {
        next(
          new HttpError(
            403,
            'CSRF_TOKEN_MISSING',
            `a state-changing request needs the ${CSRF_HEADER} header`,
          ),
        );
        return;
      }
      const given = Buffer.from(sent);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        next(
          new HttpError(
            403,
            'CSRF_TOKEN_INVALID',
            `the ${CSRF_HEADER} header does not match this service's token (was it restarted?)`,
          ),
        );
        return;
      }
      next();
    },
    tokenRouter(path) {
      const router = Router();
      router.get(path, (_request, response) => {
        response.set('Cache-Control', 'no-store').json({ header: CSRF_HEADER, token });
      });
      return router;
    },
  };
}

/**
 * For reads that cost the service something (an event stream holds a watch and a connection slot):
 * refuses a request a browser marks as coming from another site. Requests without those headers
 * (curl, Prometheus, a health check) pass; a cross-site page cannot remove them.
 */
export function sameOriginReads(): RequestHandler {
  return (request, _response, next) => {
    next(crossSiteReason(request, { requireOriginProof: false }));
  };
}

/**
 * Why a request cannot be trusted to come from this service's own pages, or undefined if it can.
 * With `requireOriginProof`, a request must show where it comes from: an Origin equal to this
 * service's (same scheme-less host, http or https behind a proxy), or, where a browser leaves Origin
 * out, `Sec-Fetch-Site: same-origin`.
 */
function crossSiteReason(request: Request, { requireOriginProof }: { requireOriginProof: boolean }) {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  const host = request.headers.host;
  if (origin !== undefined) {
    const own = host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
    if (!own) {
      return new HttpError(403, 'CROSS_ORIGIN_REQUEST', `requests from ${origin} are not accepted here`, {
        origin,
      });
    }
  }
  // "none" is a request the user typed or bookmarked: no page sent it.
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return new HttpError(
      403,
      'CROSS_SITE_REQUEST',
      `requests from a ${fetchSite} page are not accepted here`,
      {
        secFetchSite: fetchSite,
      },
    );
  }
  if (requireOriginProof && origin === undefined && fetchSite !== 'same-origin') {
    return new HttpError(
      403,
      'ORIGIN_REQUIRED',
      'a state-changing request must carry an Origin header of this service, or Sec-Fetch-Site: same-origin',
    );
  }
  return undefined;
}
