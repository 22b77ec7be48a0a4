// Builds the package: tsc compiles src/ to dist/ (JavaScript, .d.ts, maps), then the dashboard's
// static files, which tsc does not copy, follow the code that serves them.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: packageDirectory, stdio: 'inherit' });
cpSync(
  new URL('../src/monitor/public', import.meta.url),
  new URL('../dist/monitor/public', import.meta.url),
  {
    recursive: true,
  },
);
