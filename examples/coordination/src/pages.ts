import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const MONITOR_PAGE = fileURLToPath(new URL('../public/monitor/', import.meta.url));

/**
 * The monitor's page at `/`. It loads nothing from anywhere else, and the policy header makes the
 * browser refuse to: scripts, styles and the event stream all come from this service.
 */
export function pagesRouter(): Router {
  const policy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
  return Router()
    .use((_request, response, next) => {
      response.set('Content-Security-Policy', policy);
      next();
    })
    .use(express.static(MONITOR_PAGE, { index: 'index.html', maxAge: 0 }));
}
