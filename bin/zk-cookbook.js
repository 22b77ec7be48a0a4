#!/usr/bin/env -S node --import tsx
// The CLI runs from TypeScript sources through tsx, so a clone works without a build step.
import '../shared/src/cli/main.ts';
