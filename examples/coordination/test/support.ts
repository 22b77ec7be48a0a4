import { readFileSync } from 'node:fs';
import { joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { pino } from 'pino';
import { expect } from 'vitest';
import {
  DEFAULT_INPUT_LOG,
  parseInputLog,
  type InputRecord,
  type OutputEntry,
  type TaskLayout,
} from '../src/index.ts';

/** Test services log nothing unless LOG_LEVEL asks. */
export const quietLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** The first `count` records of the input log the example ships. */
export function shippedRecords(count?: number): InputRecord[] {
  const records = parseInputLog(readFileSync(DEFAULT_INPUT_LOG, 'utf8'));
  return count === undefined ? records : records.slice(0, count);
}

export async function getJson<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A POST to the monitor as its own page sends it (same Origin, the CSRF token). */
export function postToMonitor(
  monitor: { url: string; csrfToken: string },
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  return getJson(`${monitor.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: monitor.url, 'x-csrf-token': monitor.csrfToken },
    body: JSON.stringify(body),
  });
}

/** The output as ZooKeeper holds it, in the order it was appended (sequence number order). */
export async function readOutput(
  client: ZooKeeperClient,
  layout: TaskLayout,
): Promise<(OutputEntry & { name: string; czxid: bigint })[]> {
  await client.sync(layout.output);
  const { children } = await client.getChildren(layout.output);
  const entries = [];
  for (const name of children.sort()) {
    const { data, stat } = await client.getData(joinPath(layout.output, name));
    entries.push({ ...(JSON.parse(data.toString('utf8')) as OutputEntry), name, czxid: stat.czxid });
  }
  return entries;
}

/**
 * The pattern's invariant on the output: record 1, 2, …, n each exactly once, in that order, with
 * the input's text — and the fencing tokens never go back (a deposed instance wrote nothing after
 * its successor started). Returns the tokens in the order their terms appear.
 */
export function expectExactlyOnceInOrder(
  entries: readonly (OutputEntry & { czxid: bigint })[],
  records: readonly InputRecord[],
): string[] {
  expect(entries.map((entry) => entry.offset)).toEqual(records.map((record) => record.offset));
  for (const [index, entry] of entries.entries()) expect(entry.record).toBe(records[index]!.text);
  // Sequence numbers give the order; the records of one batch share a transaction, hence a czxid.
  for (let index = 1; index < entries.length; index++)
    expect(entries[index]!.czxid).toBeGreaterThanOrEqual(entries[index - 1]!.czxid);
  const terms: string[] = [];
  for (const entry of entries) if (terms.at(-1) !== entry.token) terms.push(entry.token);
  const asNumbers = terms.map((token) => BigInt(token));
  expect(asNumbers, 'a term came back after its successor had written').toEqual(
    [...asNumbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  expect(new Set(terms).size).toBe(terms.length);
  return terms;
}
