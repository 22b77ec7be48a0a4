import { parseArgs } from 'node:util';

/**
 * What every pattern service is started with: ZK_CONNECT, HOST, PORT and ALLOWED_HOSTS (names a
 * proxy or a container network reaches it by) from the environment, as `zk-cookbook run` sets
 * them; `--host`, `--port` and `--allowed-hosts` on the command line, as compose passes them, win.
 */
export function environment() {
  const { values: options } = parseArgs({
    options: { host: { type: 'string' }, port: { type: 'string' }, 'allowed-hosts': { type: 'string' } },
    strict: true,
  });
  if (options.host !== undefined) process.env.HOST = options.host;
  if (options.port !== undefined) process.env.PORT = options.port;
  if (options['allowed-hosts'] !== undefined) process.env.ALLOWED_HOSTS = options['allowed-hosts'];
  const zkConnect = process.env.ZK_CONNECT;
  if (!zkConnect) throw new Error('ZK_CONNECT is not set (host:port[,host:port...][/chroot])');
  const positive = (name: string): number | undefined => {
    const text = process.env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got "${text}"`);
    return value;
  };
  return {
    zkConnect,
    host: process.env.HOST ?? '127.0.0.1',
    port: positive('PORT') ?? 0,
    allowedHosts: (process.env.ALLOWED_HOSTS ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    positive,
  };
}
