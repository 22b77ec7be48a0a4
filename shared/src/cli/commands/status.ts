import type { Command } from 'commander';
import { formatServer, parseConnectString } from '../../client/index.ts';
import { integerOption } from '../integer-option.ts';
import { fetchServerStatus, formatStatusTable } from '../server-status.ts';

interface StatusOptions {
  connect?: string;
  timeout: number;
}

export function register(program: Command): void {
  program
    .command('status')
    .description(
      'ask every server of an ensemble for its mode, zxid, connections and latency (srvr); ' +
        'exits 1 unless all of them serve',
    )
    .option('-c, --connect <servers>', 'connect string, host:port[,host:port...] (default: $ZK_CONNECT)')
    .option('-t, --timeout <ms>', 'how long to wait for each server', integerOption(1), 2_000)
    .action(async (options: StatusOptions, command: Command) => {
      const connect = options.connect ?? process.env.ZK_CONNECT;
      if (!connect) {
        command.error('status: no servers to ask; pass --connect host:port,... or set ZK_CONNECT');
      }
      const addresses = parseConnectString(connect).servers.map(formatServer);
      const statuses = await Promise.all(
        addresses.map((address) => fetchServerStatus(address, options.timeout)),
      );
      process.stdout.write(`${formatStatusTable(statuses)}\n`);
      if (statuses.some((status) => !status.stats)) process.exitCode = 1;
    });
}
