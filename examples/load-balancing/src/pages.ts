import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const GATEWAY_PAGE = fileURLToPath(new URL('../public/gateway/', import.meta.url));

// The page loads nothing from elsewhere (no CDN), and the browser is told to refuse anything else.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The gateway's live page at `/`: requests per provider, circuits, strategy and weights. */
export function pagesRouter(): Router {
  const router = Router();
  router.use((_request, response, next) => {
    response.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  router.use(express.static(GATEWAY_PAGE, { index: 'index.html', maxAge: 0 }));
  return router;
}
