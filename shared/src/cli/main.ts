// Entry point: `npx tsx shared/src/cli/main.ts <command>` or bin/zk-cookbook.js.
import { createProgram } from './program.ts';
import { reportFailure } from './report-failure.ts';

try {
  const program = await createProgram();
  await program.parseAsync(process.argv);
} catch (error) {
  reportFailure(error);
}
