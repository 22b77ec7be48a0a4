import type { Command } from 'commander';
import { formatTxnLog, listDataFiles, readTxnLogFile } from '../../persistence/index.ts';

export function register(program: Command): void {
  program
    .command('txnlog')
    .description(
      'print the transactions in a ZooKeeper transaction log: a log.<zxid> file, or every log in a dataDir ' +
        '(or its version-2/)',
    )
    .argument('<location>', 'log file or data directory')
    .action(async (location: string) => {
      const logs = (await listDataFiles(location)).filter((file) => file.kind === 'log');
      if (logs.length === 0) throw new Error(`txnlog: no log.* files in ${location}`);
      for (const log of logs) process.stdout.write(`${formatTxnLog(await readTxnLogFile(log.path))}\n`);
    });
}
