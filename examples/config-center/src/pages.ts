import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const PUBLIC_DIRECTORY = fileURLToPath(new URL('../public/', import.meta.url));

// Everything a page needs comes from the service that serves it: no CDN, nothing from elsewhere,
// and a policy that makes the browser refuse anything else.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Serves one folder of public/ (`live` for the publisher, `subscriber` for a subscriber) at `/`. */
export function pagesRouter(folder: 'live' | 'subscriber'): Router {
  const router = Router();
  const directory = `${PUBLIC_DIRECTORY}${folder}/`;
  router.use((_request, response, next) => {
    response.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  router.use(express.static(directory, { index: 'index.html', fallthrough: true, maxAge: 0 }));
  router.use(express.static(`${PUBLIC_DIRECTORY}common/`, { index: false, fallthrough: true, maxAge: 0 }));
  return router;
}
