import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FOUR_LETTER_WORDS, FourLetterClient } from '@zk-cookbook/core/fourletter';
import { parseConnectString, formatServer } from '@zk-cookbook/core/client';
import { useZooKeeper } from '@zk-cookbook/core/testing';
import { captureAnswers } from './capture.ts';
import { ANSWER_SHAPES, WORDS_WITH_SIDE_EFFECTS, mntrKeys } from './shapes.ts';

const CAPTURED_VERSIONS = readdirSync(new URL('./', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^\d+\.\d+\.\d+$/.test(entry.name))
  .map((entry) => entry.name);

function captured(version: string, word: string): string {
  return readFileSync(new URL(`./${version}/${word}.txt`, import.meta.url), 'utf8');
}

describe('the four-letter word reference', () => {
  const zk = useZooKeeper('use-four-letter-words');

  it.each(CAPTURED_VERSIONS)(
    'the committed answers of %s have every word, each in its documented shape',
    (version) => {
      for (const word of FOUR_LETTER_WORDS) {
        const answer = captured(version, word);
        for (const shape of ANSWER_SHAPES[word]) expect(answer, `${version}/${word}.txt`).toMatch(shape);
      }
    },
  );

  it("a fresh capture from the shared ensemble's leader has the same shapes, and mntr the same keys as the committed capture", async () => {
    const servers = parseConnectString(zk.ensembleConnectString).servers.map(formatServer);
    const modes = await Promise.all(
      servers.map(async (address) => [address, await FourLetterClient.forAddress(address).srvr()] as const),
    );
    const leader = modes.find(([, stats]) => stats.serving && stats.mode === 'leader');
    expect(leader, 'the shared ensemble has a leader').toBeDefined();
    const version = leader![1].serving ? leader![1].version.split('-')[0]! : '';

    // A session with a watch on the leader itself, so cons, wchc and wchp have something to show.
    const watcher = await zk.connectVia(leader![0]);
    await watcher.create('/watched', null);
    await watcher.getData('/watched', { watch: () => {} });
    const answers = await captureAnswers(leader![0], { includeSideEffects: false });
    for (const word of FOUR_LETTER_WORDS) {
      if (WORDS_WITH_SIDE_EFFECTS.includes(word)) continue;
      for (const shape of ANSWER_SHAPES[word]) expect(answers.get(word), word).toMatch(shape);
    }
    if (CAPTURED_VERSIONS.includes(version)) {
      // Same release, same metrics: a documented key that disappears means the page is out of date.
      // (A busy server registers more summary metrics as it serves more kinds of request, so the
      // fresh answer may hold extra keys.)
      expect(mntrKeys(answers.get('mntr')!)).toEqual(
        expect.arrayContaining(mntrKeys(captured(version, 'mntr'))),
      );
    }
  });
});
