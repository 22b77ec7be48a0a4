#!/usr/bin/env node
// In a clone (the package's tsconfig.json sits beside src/), the CLI runs from the TypeScript sources
// through tsx, so no build step is needed and no stale build is ever run. An installed package has no
// tsconfig.json and runs its compiled JavaScript.
import { existsSync } from 'node:fs';

const inClone = existsSync(new URL('../tsconfig.json', import.meta.url));
if (inClone) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  await import('../dist/cli/main.js');
}
