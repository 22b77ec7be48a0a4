/**
 * `node --import <compiled>/bench/recipes/register-compiled-imports.js <compiled node-peer.js>`:
 * installs the hook of compiled-imports.ts before the program starts. Only ever run compiled, so the
 * hook is named by its compiled file.
 */
import { register } from 'node:module';

register('./compiled-imports.js', import.meta.url);
