/**
 * The environment every pattern service is started with (`zk-cookbook run`, compose): ZK_CONNECT,
 * HOST, PORT, and ALLOWED_HOSTS for names a proxy or a container network reaches it by.
 */
export function environment() {
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
