// Step through a protocol simulation, or run it over many seeds.
//   npx tsx docs/theory/simulations/run.ts paxos --seed 7 --drop 0.2
//   npx tsx docs/theory/simulations/run.ts raft --seed 3 --crashes 6 --step     (Enter for the next event)
//   npx tsx docs/theory/simulations/run.ts zab --broken --seeds 500              (how often the check fails)
// Simulations: paxos, livelock, raft, zab, 2pc, 3pc, byzantine. --help lists the options.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { runByzantine } from './byzantine.ts';
import { runCommit, type CoordinatorCrashPoint } from './commit-protocols.ts';
import { duellingProposers, runPaxos } from './paxos.ts';
import { runRaft } from './raft.ts';
import { formatTrace, type NetworkOptions, type TraceEntry } from './scheduler.ts';
import { formatZxid, runZab } from './zab.ts';

const usage = `usage: run.ts <paxos|livelock|raft|zab|2pc|3pc|byzantine> [options]
  --seed N          one run with this seed (default 1)
  --seeds N         run seeds 1..N and count the runs whose safety check failed
  --drop P          probability a message is lost (default 0; byzantine: always 0)
  --delay A-B       message delay range in ticks (default 1-3)
  --crashes N       random crash-and-restart episodes (default 0; raft/zab also crash the leader twice)
  --until T         stop at this time
  --broken          the deliberately broken variant (paxos: acceptors forget their promise;
                    raft: votes without the up-to-date-log check; zab: election ignores history)
  --backoff         livelock: retry with random backoff instead of at once
  --coordinator-crash after-votes|after-first-precommit|after-logging-commit   (2pc/3pc)
  --generals N --traitors M   (byzantine: N generals, OM(M); default 4 and 1)
  --verbose         show sends as well as deliveries
  --step            pause after each line (Enter: next, q: quit)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    seeds: { type: 'string' },
    drop: { type: 'string', default: '0' },
    delay: { type: 'string', default: '1-3' },
    crashes: { type: 'string', default: '0' },
    until: { type: 'string' },
    broken: { type: 'boolean', default: false },
    backoff: { type: 'boolean', default: false },
    'coordinator-crash': { type: 'string' },
    generals: { type: 'string', default: '4' },
    traitors: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
    step: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const simulation = positionals[0];
if (values.help || !simulation) {
  console.log(usage);
  process.exit(simulation || values.help ? 0 : 2);
}

const [minDelay, maxDelay] = values.delay.split('-').map(Number);
const until = values.until === undefined ? undefined : Number(values.until);

interface Outcome {
  trace: readonly TraceEntry[];
  name?: (id: number) => string;
  summary: string[];
  violations: readonly string[];
}

function runOnce(seed: number, trace: boolean): Outcome {
  const network: NetworkOptions = {
    seed,
    dropRate: Number(values.drop),
    minDelay: minDelay ?? 1,
    maxDelay: maxDelay ?? minDelay ?? 3,
    crashes: Number(values.crashes),
    trace,
  };
  switch (simulation) {
    case 'paxos': {
      const run = runPaxos({
        ...network,
        acceptors: 3,
        proposers: 2,
        acceptorForgetsPromise: values.broken,
        ...(until ? { until } : {}),
      });
      return {
        trace: run.network.trace,
        name: (id) => (id < 3 ? `acceptor${id}` : `proposer${id - 3}`),
        summary: [
          `chosen: ${run.chosen.join(', ') || 'nothing'}`,
          `learned: ${run.learned.map((v) => v ?? '-').join(', ')}`,
          `ballots tried: ${run.ballotsTried}`,
        ],
        violations: run.violations,
      };
    }
    case 'livelock': {
      const run = duellingProposers(values.backoff ? 'backoff' : 'immediate', seed, until ?? 60);
      return {
        trace: run.network.trace,
        name: (id) => (id < 3 ? `acceptor${id}` : `proposer${id - 3}`),
        summary: [`chosen: ${run.chosen.join(', ') || 'nothing'}`, `ballots tried: ${run.ballotsTried}`],
        violations: run.violations,
      };
    }
    case 'raft': {
      const run = runRaft({ ...network, skipUpToDateCheck: values.broken, ...(until ? { until } : {}) });
      return {
        trace: run.network.trace,
        summary: [
          `leaders by term: ${[...run.observed.leaders].map(([term, ids]) => `${term}:${[...ids].join('/')}`).join(' ')}`,
          `committed entries: ${run.observed.committed.size}`,
          ...run.nodes.map(
            (node) => `node ${node.id} log: ${node.log.map((e) => `${e.term}:${e.command}`).join(' ')}`,
          ),
        ],
        violations: run.violations,
      };
    }
    case 'zab': {
      const run = runZab({ ...network, electionIgnoresHistory: values.broken, ...(until ? { until } : {}) });
      return {
        trace: run.network.trace,
        summary: [
          `epochs established: ${run.observed.established.map((e) => `${e.epoch} (leader ${e.leader})`).join(', ')}`,
          `committed: ${run.observed.committed.size}`,
          ...run.nodes.map(
            (node) =>
              `server ${node.id} history: ${node.history.map((t) => `${formatZxid(t.zxid)}=${t.command}`).join(' ')}`,
          ),
        ],
        violations: run.violations,
      };
    }
    case '2pc':
    case '3pc': {
      const crash = values['coordinator-crash'] as CoordinatorCrashPoint | undefined;
      const run = runCommit({
        ...network,
        protocol: simulation,
        ...(crash ? { coordinatorCrash: { at: crash, downtime: 200 }, votes: [true, true, true] } : {}),
        ...(until ? { until } : {}),
      });
      return {
        trace: run.network.trace,
        name: (id) => (id === 0 ? 'coordinator' : `participant${id}`),
        summary: [
          `votes: ${run.votes.map((v) => (v ? 'yes' : 'no')).join(', ')}`,
          `participants end: ${run.states.join(', ')}`,
        ],
        violations: run.violations,
      };
    }
    case 'byzantine': {
      const run = runByzantine({
        seed,
        generals: Number(values.generals),
        m: Number(values.traitors),
        trace,
      });
      return {
        trace: run.network.trace,
        name: (id) => (id === 0 ? 'commander' : `lieutenant${id}`),
        summary: [
          `commander ${run.traitors.includes(0) ? 'is a traitor' : `orders ${run.order}`}; traitors: ${run.traitors.join(', ')}`,
          `loyal decisions: ${[...run.decisions].map(([id, order]) => `${id}:${order}`).join(' ')}`,
          `messages: ${run.messages}`,
        ],
        violations: run.violations,
      };
    }
    default:
      console.error(`unknown simulation "${simulation}"\n${usage}`);
      process.exit(2);
  }
}

if (values.seeds !== undefined) {
  const seeds = Number(values.seeds);
  let failed = 0;
  let first: { seed: number; violation: string } | undefined;
  for (let seed = 1; seed <= seeds; seed += 1) {
    const { violations } = runOnce(seed, false);
    if (violations.length > 0) {
      failed += 1;
      first ??= { seed, violation: violations[0]! };
    }
  }
  console.log(
    `${simulation}${values.broken ? ' (broken variant)' : ''}: ${failed} of ${seeds} seeds violated safety`,
  );
  if (first)
    console.log(`first: seed ${first.seed}: ${first.violation}\nreplay it: add --seed ${first.seed}`);
  process.exit(failed > 0 ? 1 : 0);
}

const outcome = runOnce(Number(values.seed), true);
const shown = outcome.trace.filter((entry) => values.verbose || entry.kind !== 'send');
const name = outcome.name ?? ((id: number) => `n${id}`);
const lines = formatTrace(shown, (id) => (id < 0 ? 'client' : name(id)));
const prompt = values.step ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
for (const line of lines) {
  if (prompt) {
    const answer = await prompt.question(`${line}  `);
    if (answer.trim() === 'q') break;
  } else {
    console.log(line);
  }
}
prompt?.close();
console.log('');
for (const line of outcome.summary) console.log(line);
console.log(
  outcome.violations.length === 0 ? 'safety: OK' : `safety VIOLATED:\n  ${outcome.violations.join('\n  ')}`,
);
process.exitCode = outcome.violations.length === 0 ? 0 : 1;
