import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const PUBLIC_DIRECTORY = fileURLToPath(new URL('./public/', import.meta.url));

// Everything the page needs comes from this service: no CDN, nothing fetched from elsewhere, and a
// policy that makes the browser refuse it if something ever tries.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** The dashboard: static HTML, CSS and ES modules from public/, no build step. */
export function dashboardRouter(): Router {
  const router = Router();
  router.use((_request, response, next) => {
    response.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  router.use(express.static(PUBLIC_DIRECTORY, { index: 'index.html', fallthrough: true, maxAge: 0 }));
  return router;
}
