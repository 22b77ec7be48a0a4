import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const PUBLIC_DIRECTORY = fileURLToPath(new URL('../../public/', import.meta.url));

// Everything a page needs comes from the service that serves it, and the browser refuses the rest.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** A live page of `public/<name>/` at `/`. */
export function pagesRouter(name: 'inspector'): Router {
  const router = Router();
  router.use((_request, response, next) => {
    response.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  router.use(
    express.static(`${PUBLIC_DIRECTORY}${name}/`, { index: 'index.html', fallthrough: true, maxAge: 0 }),
  );
  return router;
}
