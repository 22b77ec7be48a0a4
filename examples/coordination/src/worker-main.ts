// A worker as a process: `zk-cookbook run coordination`, compose, or by hand:
//   ZK_CONNECT=127.0.0.1:2181 INSTANCE_ID=worker-1 PORT=8081 \
//     node --conditions=zk-cookbook-source --import tsx src/worker-main.ts
import { runService } from '@zk-cookbook/core/http';
import { readInputLog } from './input-log.ts';
import { workerEnvironment } from './service-environment.ts';
import { startWorker } from './worker/worker-service.ts';

await runService(
  async (logger) => {
    const env = workerEnvironment();
    const instanceId = env.INSTANCE_ID ?? `worker-${process.pid}`;
    return startWorker({
      connectString: env.ZK_CONNECT,
      instanceId,
      records: await readInputLog(env.INPUT_LOG),
      ...(env.COORDINATION_ROOT && { root: env.COORDINATION_ROOT }),
      ...(env.TASK && { task: env.TASK }),
      batchSize: env.BATCH_SIZE,
      recordsPerSecond: env.RECORDS_PER_SECOND,
      heartbeatMs: env.HEARTBEAT_MS,
      ...(env.SESSION_TIMEOUT_MS && { sessionTimeoutMs: env.SESSION_TIMEOUT_MS }),
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'stepping down, leaving the group, closing the session' },
);
