// The monitor as a process: `zk-cookbook run coordination`, compose, or by hand:
//   ZK_CONNECT=127.0.0.1:2181 PORT=8080 node --conditions=zk-cookbook-source --import tsx src/monitor-main.ts
import { runService } from '@zk-cookbook/core/http';
import { startMonitor } from './monitor/monitor-service.ts';
import { readInputLog } from './input-log.ts';
import { monitorEnvironment } from './service-environment.ts';

await runService(
  async (logger) => {
    const env = monitorEnvironment();
    return startMonitor({
      connectString: env.ZK_CONNECT,
      total: (await readInputLog(env.INPUT_LOG)).length,
      ...(env.COORDINATION_ROOT && { root: env.COORDINATION_ROOT }),
      ...(env.TASK && { task: env.TASK }),
      lateAfterMs: env.LATE_AFTER_MS,
      ...(env.SESSION_TIMEOUT_MS && { sessionTimeoutMs: env.SESSION_TIMEOUT_MS }),
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'stepping down, leaving the group, closing the session' },
);
