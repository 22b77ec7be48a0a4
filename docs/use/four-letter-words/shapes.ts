import type { FourLetterWord } from '@zk-cookbook/core/fourletter';

/**
 * What each four-letter word's answer looks like, as patterns every answer from a 3.8 or 3.9 leader
 * must match. The reference page quotes real answers; these patterns keep those quotes honest.
 */
export const ANSWER_SHAPES: Record<FourLetterWord, readonly RegExp[]> = {
  conf: [/^clientPort=\d+$/m, /^dataDir=/m, /^tickTime=\d+$/m, /^serverId=\d+$/m],
  cons: [/^ \/127\.0\.0\.1:\d+\[\d+\]\(queued=\d+,recved=\d+,sent=\d+/m],
  crst: [/^Connection stats reset\.\n$/],
  dirs: [/^datadir_size: \d+$/m, /^logdir_size: \d+$/m],
  dump: [/^SessionTracker dump:/m, /^ephemeral nodes dump:/m, /^Sessions with Ephemerals \(\d+\):/m],
  envi: [/^Environment:$/m, /^zookeeper\.version=/m, /^java\.version=/m],
  gtmk: [/^\d+\n?$/],
  // The digest history holds one line per 128 transactions: empty on a young server.
  hash: [/^([0-9a-f]+: -?\d+\n)*$/],
  isro: [/^rw$/],
  mntr: [
    /^zk_version\t/m,
    /^zk_server_state\tleader$/m,
    /^zk_znode_count\t\d+$/m,
    /^zk_synced_followers\t\d+$/m,
  ],
  ruok: [/^imok$/],
  srst: [/^Server stats reset\.\n$/],
  srvr: [
    /^Zookeeper version: /m,
    /^Latency min\/avg\/max: /m,
    /^Zxid: 0x[0-9a-f]+$/m,
    /^Mode: leader$/m,
    /^Node count: \d+$/m,
  ],
  stat: [/^Clients:$/m, /^Mode: leader$/m, /^Node count: \d+$/m],
  // stmk wants an 8-byte mask after the word; sent bare, as here, it sets nothing and says nothing.
  stmk: [/^(\d+\n?)?$/],
  wchc: [/^0x[0-9a-f]+$/m, /^\t\//m],
  wchp: [/^\/\S*$/m, /^\t0x[0-9a-f]+$/m],
  wchs: [/^\d+ connections watching \d+ paths$/m, /^Total watches:\d+$/m],
};

/** Words that change the server (reset counters, set the trace mask): never sent to a shared ensemble. */
export const WORDS_WITH_SIDE_EFFECTS: readonly FourLetterWord[] = ['crst', 'srst', 'stmk'];

/**
 * `mntr` keys as a set, for comparing answers across runs of the same version. Per-namespace
 * metrics (zk_avg_<top-level znode>_read_per_namespace …) name the tree's own top-level nodes, so
 * they are left out.
 */
export function mntrKeys(answer: string): string[] {
  return answer
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[0] ?? '')
    .filter((key) => !key.endsWith('_per_namespace'))
    .sort();
}
