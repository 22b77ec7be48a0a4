import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { useDedicatedEnsemble } from '../../test-support/index.ts';
import { ZooKeeperClient } from '../client/index.ts';
import { createProgram } from '../cli/program.ts';
import { listDataFiles } from './data-directory.ts';
import { PersistenceFormatError } from './errors.ts';
import { readSnapshotFile } from './snapshot.ts';
import { decodeTxnLog, readTxnLogFile, type TxnLogEntry } from './txn-log.ts';

/**
 * A standalone server with a tiny snapCount rolls its log and writes a snapshot every 6–10
 * transactions, so a few dozen writes leave several of each: the decoder must find in them exactly
 * the zxids the server returned to our client.
 */
describe('the transaction log and snapshot decoder, on files a real server wrote', () => {
  const dedicated = useDedicatedEnsemble({ servers: 1, extraConfig: { snapCount: 10 } });

  it('finds every write our client made under the zxid the server gave it', async () => {
    const { ensemble } = dedicated;
    const client = await ZooKeeperClient.connect(ensemble.connectString);
    const created = new Map<string, bigint>();
    try {
      await client.create('/persist', Buffer.from('parent'));
      created.set('/persist', (await client.exists('/persist'))!.czxid);
      for (let i = 0; i < 24; i++) {
        const path = await client.create('/persist/item-', Buffer.from(`value ${i}`), {
          mode: 'persistentSequential',
        });
        created.set(path, (await client.exists(path))!.czxid);
      }
      const afterSet = await client.setData('/persist', Buffer.from('changed'));
      await client.create('/persist/mine', Buffer.from('ephemeral'), { mode: 'ephemeral' });

      const dataDir = ensemble.members[0]!.files.dataDir;
      const files = await listDataFiles(dataDir);
      const logs = files.filter((file) => file.kind === 'log');
      const snapshots = files.filter((file) => file.kind === 'snapshot');
      expect(logs.length).toBeGreaterThanOrEqual(2);
      expect(snapshots.length).toBeGreaterThanOrEqual(2);

      const entries: TxnLogEntry[] = [];
      for (const log of logs) {
        const decoded = await readTxnLogFile(log.path);
        // A log is named after its first transaction.
        expect(decoded.entries[0]?.header.zxid).toBe(log.zxid);
        entries.push(...decoded.entries);
      }
      // One epoch on a standalone server, and no gaps: every zxid from 1 up is in some log.
      const zxids = entries.map((entry) => entry.header.zxid);
      expect(zxids).toEqual(zxids.map((_, index) => BigInt(index + 1)));

      for (const [path, czxid] of created) {
        const entry = entries.find((candidate) => candidate.header.zxid === czxid);
        expect(entry?.body).toMatchObject({ kind: 'create', path });
      }
      const set = entries.find((entry) => entry.header.zxid === afterSet.mzxid);
      expect(set?.body).toMatchObject({ kind: 'setData', path: '/persist', version: 1 });
      expect(set?.body.kind === 'setData' && set.body.data?.toString()).toBe('changed');
      const sessionEntry = entries.find((entry) => entry.body.kind === 'createSession');
      expect(sessionEntry?.header.clientId).toBe(client.sessionId);

      // The newest snapshot holds every node created before its zxid, with the same czxid.
      const newest = snapshots.at(-1)!;
      const snapshot = await readSnapshotFile(newest.path);
      for (const [path, czxid] of created) {
        if (czxid <= newest.zxid) expect(snapshot.nodes.get(path)?.stat.czxid).toBe(czxid);
      }
      expect(snapshot.nodes.get('/persist')?.children.length).toBeGreaterThan(0);
      expect(snapshot.sessions.map((session) => session.sessionId)).toContain(client.sessionId);
    } finally {
      await client.close();
    }
  });

  it('rejects a log entry whose bytes no longer match its checksum', async () => {
    const [log] = (await listDataFiles(dedicated.ensemble.members[0]!.files.dataDir)).filter(
      (file) => file.kind === 'log',
    );
    const bytes = await readFile(log!.path);
    const first = decodeTxnLog(log!.path, bytes).entries[0]!;
    // Flip one bit inside the first entry's TxnHeader (its time field).
    bytes[first.offset + 12 + 8 + 4 + 8 + 7]! ^= 0x01;
    expect(() => decodeTxnLog(log!.path, bytes)).toThrow(PersistenceFormatError);
    expect(() => decodeTxnLog(log!.path, bytes)).toThrow(/checksum .* does not match Adler-32/);
  });

  it('prints the transactions and the tree from the command line', async () => {
    const dataDir = dedicated.ensemble.members[0]!.files.dataDir;
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await (await createProgram()).parseAsync(['txnlog', dataDir], { from: 'user' });
      await (await createProgram()).parseAsync(['snapshot', dataDir], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const output = printed.join('');
    expect(output).toMatch(/0x1 +epoch 0 #1 .* createSession +timeout \d+ ms/);
    expect(output).toMatch(/setData +\/persist "changed" → version 1/);
    expect(output).toMatch(/^ {2}persist "(parent|changed)" czxid 0x2 /m);
  });
});
