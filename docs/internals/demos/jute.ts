// Run: npx tsx --conditions=zk-cookbook-source docs/internals/demos/jute.ts
// Starts a one-server ensemble (or uses ZK_CONNECT), records our client's packets and prints each
// one as an annotated hex dump.
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { formatAnnotatedFrame } from './jute-annotate.ts';
import { traceConversation } from './jute-trace.ts';

const ensemble = process.env.ZK_CONNECT
  ? undefined
  : await LocalEnsemble.start({ servers: 1, tickTimeMs: 500 });
try {
  const trace = await traceConversation(
    process.env.ZK_CONNECT ?? ensemble!.connectString,
    `/jute-${Date.now()}`,
  );
  for (const frame of trace.frames) console.log(`${formatAnnotatedFrame(frame)}\n`);
} finally {
  await ensemble?.close();
}
