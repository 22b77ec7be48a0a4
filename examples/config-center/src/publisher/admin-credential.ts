import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '@zk-cookbook/core/http';

/**
 * Refuses (403 JSON) a write that does not carry the admin credential, as HTTP Basic
 * (`curl -u admin:<secret>`): the same user and secret as the digest identity the configuration
 * nodes name in their ACL.
 *
 * The credential is only ever an explicit header, never a cookie, and this service never asks a
 * browser for it (no WWW-Authenticate), so a browser never sends it on its own: a page of another
 * site cannot make a write carry it, which is why writes need no CSRF token here.
 */
export function requireAdmin(admin: { user: string; secret: string }): RequestHandler {
  const expected = digest(`${admin.user}:${admin.secret}`);
  return (request, _response, next) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      next(
        new HttpError(
          403,
          'ADMIN_CREDENTIAL_REQUIRED',
          'writing configuration needs the admin credential (HTTP Basic, e.g. curl -u admin:<secret>)',
        ),
      );
      return;
    }
    const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(header);
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : undefined;
    // Compared as hashes, in constant time: how long the check takes says nothing about the secret.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      next(new HttpError(403, 'ADMIN_CREDENTIAL_INVALID', 'the admin credential is wrong'));
      return;
    }
    next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
