import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Version;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The Java side of the client suite: one workload with the official client, in a fresh JVM, printing
 * one JSON line. Arguments and output follow bench/client/protocol.ts, as node-client-bench.ts does:
 *
 *   java ClientBench creates 127.0.0.1:2181 /bench/c1 5000 1000 100
 *
 * Pipelined workloads use the async API: every request is issued at once and a CountDownLatch waits
 * for the last callback, the way a Java application would pipeline.
 */
public final class ClientBench {
  private static final long WAIT_SECONDS = 120;
  /** creates per transaction of the multi workload: MULTI_CREATES in protocol.ts */
  private static final int MULTI_CREATES = 5;

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: ClientBench <creates|reads|latency|multi|watches> <connect> <path> <count> <warmup> <payloadBytes>");
      System.exit(2);
    }
    String workload = args[0];
    String connect = args[1];
    String path = args[2];
    int count = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int payloadBytes = Integer.parseInt(args[5]);

    ZooKeeper zk = connect(connect);
    try {
      Timed timed;
      switch (workload) {
        case "creates": {
          byte[] data = new byte[payloadBytes];
          Arrays.fill(data, (byte) 'x');
          zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
          pipelinedCreates(zk, path, "warmup-", warmup, data);
          timed = measure(() -> pipelinedCreates(zk, path, "node-", count, data));
          break;
        }
        case "reads": {
          sync(zk, path);
          List<String> paths = zk.getChildren(path, false).stream().map(name -> path + "/" + name).toList();
          pipelinedReads(zk, paths, warmup);
          timed = measure(() -> pipelinedReads(zk, paths, count));
          break;
        }
        case "latency": {
          sync(zk, path);
          sequentialReads(zk, path, warmup);
          double[][] latencies = new double[1][];
          timed = measure(() -> latencies[0] = sequentialReads(zk, path, count));
          timed.latenciesUs = latencies[0];
          break;
        }
        case "multi": {
          byte[] data = new byte[payloadBytes];
          Arrays.fill(data, (byte) 'x');
          zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
          pipelinedMultis(zk, path, "warmup-", warmup, data);
          timed = measure(() -> pipelinedMultis(zk, path, "node-", count, data));
          break;
        }
        case "watches": {
          byte[] data = new byte[payloadBytes];
          Arrays.fill(data, (byte) 'x');
          sync(zk, path);
          List<String> paths = zk.getChildren(path, false).stream().map(name -> path + "/" + name).toList();
          DataChanges changes = new DataChanges();
          zk.addWatch(path, changes, AddWatchMode.PERSISTENT_RECURSIVE);
          watchedChanges(zk, paths, changes, warmup, data);
          timed = measure(() -> watchedChanges(zk, paths, changes, count, data));
          break;
        }
        default:
          throw new IllegalArgumentException("unknown workload " + workload);
      }
      System.out.println(toJson(workload, count, timed));
    } finally {
      zk.close();
    }
  }

  private static ZooKeeper connect(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    // 30 s session, as the TypeScript client asks for by default
    ZooKeeper zk = new ZooKeeper(connect, 30_000, event -> {
      if (event.getState() == KeeperState.SyncConnected) connected.countDown();
    });
    if (!connected.await(15, TimeUnit.SECONDS)) throw new IllegalStateException("not connected to " + connect + " within 15 s");
    return zk;
  }

  private static void pipelinedCreates(ZooKeeper zk, String parent, String prefix, int count, byte[] data) throws Exception {
    Outcome outcome = new Outcome(count);
    AsyncCallback.StringCallback callback = (rc, path, ctx, name) -> outcome.complete(rc, path);
    for (int i = 0; i < count; i++) {
      zk.create(parent + "/" + prefix + i, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, callback, null);
    }
    outcome.await();
  }

  private static void pipelinedReads(ZooKeeper zk, List<String> paths, int count) throws Exception {
    Outcome outcome = new Outcome(count);
    AsyncCallback.DataCallback onData = (rc, path, ctx, data, stat) -> outcome.complete(rc, path);
    AsyncCallback.StatCallback onStat = (rc, path, ctx, stat) -> outcome.complete(rc, path);
    for (int i = 0; i < count; i++) {
      String path = paths.get(i % paths.size());
      if (i % 2 == 0) zk.getData(path, false, onData, null);
      else zk.exists(path, false, onStat, null);
    }
    outcome.await();
  }

  private static void pipelinedMultis(ZooKeeper zk, String parent, String prefix, int count, byte[] data) throws Exception {
    Outcome outcome = new Outcome(count);
    AsyncCallback.MultiCallback callback = (rc, path, ctx, results) -> {
      if (rc == 0 && (results == null || results.size() != MULTI_CREATES || !results.stream().allMatch(r -> r instanceof OpResult.CreateResult))) {
        outcome.fail("multi under " + parent + ": " + (results == null ? 0 : results.size()) + " results for " + MULTI_CREATES + " creates");
      }
      outcome.complete(rc, parent);
    };
    for (int i = 0; i < count; i++) {
      List<Op> ops = new ArrayList<>(MULTI_CREATES);
      for (int item = 0; item < MULTI_CREATES; item++) {
        ops.add(Op.create(parent + "/" + prefix + i + "-" + item, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
      }
      zk.multi(ops, callback, null);
    }
    outcome.await();
  }

  /**
   * setData on the watched children, all issued at once; done when every one is acknowledged and
   * the persistent watch has been told of every change.
   */
  private static void watchedChanges(ZooKeeper zk, List<String> paths, DataChanges changes, int count, byte[] data) throws Exception {
    Outcome outcome = new Outcome(count);
    AsyncCallback.StatCallback callback = (rc, path, ctx, stat) -> outcome.complete(rc, path);
    for (int i = 0; i < count; i++) zk.setData(paths.get(i % paths.size()), data, -1, callback, null);
    outcome.await();
    changes.await(count);
  }

  /** Counts the data changes a persistent recursive watch reports; any other event fails the run. */
  private static final class DataChanges implements org.apache.zookeeper.Watcher {
    private final Semaphore notified = new Semaphore(0);
    private final AtomicReference<String> unexpected = new AtomicReference<>();

    @Override
    public void process(org.apache.zookeeper.WatchedEvent event) {
      if (event.getType() == EventType.NodeDataChanged) notified.release();
      else unexpected.compareAndSet(null, event.toString());
    }

    void await(int count) throws Exception {
      if (!notified.tryAcquire(count, WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(notified.availablePermits() + " of " + count + " changes notified after " + WAIT_SECONDS + " s");
      }
      if (unexpected.get() != null) throw new IllegalStateException("unexpected event on the persistent watch: " + unexpected.get());
      if (notified.availablePermits() != 0) throw new IllegalStateException((count + notified.availablePermits()) + " notifications for " + count + " changes");
    }
  }

  /** The synchronous API: what "one call after another" looks like in Java. */
  private static double[] sequentialReads(ZooKeeper zk, String path, int count) throws Exception {
    double[] latenciesUs = new double[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      zk.getData(path, false, null);
      latenciesUs[i] = (System.nanoTime() - start) / 1_000.0;
    }
    return latenciesUs;
  }

  private static void sync(ZooKeeper zk, String path) throws Exception {
    Outcome outcome = new Outcome(1);
    zk.sync(path, (rc, syncedPath, ctx) -> outcome.complete(rc, syncedPath), null);
    outcome.await();
  }

  /** Counts callbacks down and keeps the first error, so a failed request fails the run. */
  private static final class Outcome {
    private final CountDownLatch remaining;
    private final AtomicReference<String> firstError = new AtomicReference<>();

    Outcome(int count) {
      remaining = new CountDownLatch(count);
    }

    void complete(int rc, String path) {
      if (rc != 0) firstError.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), path).getMessage());
      remaining.countDown();
    }

    /** A request the server accepted whose result is not what was asked for. */
    void fail(String message) {
      firstError.compareAndSet(null, message);
    }

    void await() throws Exception {
      if (!remaining.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(remaining.getCount() + " requests unanswered after " + WAIT_SECONDS + " s");
      }
      if (firstError.get() != null) throw new IllegalStateException(firstError.get());
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static final class Timed {
    double elapsedMs;
    double cpuMs;
    double cpuWaitMs = -1;
    double[] latenciesUs;
  }

  private static Timed measure(Work work) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    double waitBefore = cpuWaitMs();
    long start = System.nanoTime();
    work.run();
    Timed timed = new Timed();
    timed.elapsedMs = (System.nanoTime() - start) / 1e6;
    timed.cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1e6;
    double waitAfter = cpuWaitMs();
    if (waitBefore >= 0 && waitAfter >= 0) timed.cpuWaitMs = waitAfter - waitBefore;
    return timed;
  }

  /** Time the threads were runnable but waited for a CPU, from Linux's schedstat (as bench/lib/cpu-wait.ts); -1 elsewhere. */
  private static double cpuWaitMs() {
    try (var threads = Files.list(Path.of("/proc/self/task"))) {
      long waitedNs = 0;
      for (Path thread : threads.toList()) {
        try {
          waitedNs += Long.parseLong(Files.readString(thread.resolve("schedstat")).trim().split(" ")[1]);
        } catch (java.io.IOException exited) {
          // a thread that ended between listing and reading: its wait is gone with it
        }
      }
      return waitedNs / 1e6;
    } catch (Exception unavailable) {
      return -1;
    }
  }

  /** Peak resident set size (VmHWM) in MB, from Linux's /proc; -1 elsewhere. */
  private static double maxRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    } catch (Exception unavailable) {
      // not Linux: the report shows no memory figure for Java
    }
    return -1;
  }

  private static String toJson(String workload, int ops, Timed timed) {
    StringBuilder json = new StringBuilder()
        .append("{\"contender\":\"java\"")
        .append(",\"clientVersion\":\"").append(Version.getFullVersion().replace("\"", "'")).append('"')
        .append(",\"workload\":\"").append(workload).append('"')
        .append(",\"ops\":").append(ops)
        .append(",\"elapsedMs\":").append(timed.elapsedMs)
        .append(",\"cpuMs\":").append(timed.cpuMs)
        .append(timed.cpuWaitMs >= 0 ? ",\"cpuWaitMs\":" + timed.cpuWaitMs : "")
        .append(",\"maxRssMb\":").append(maxRssMb());
    if (timed.latenciesUs != null) {
      json.append(",\"latenciesUs\":[");
      for (int i = 0; i < timed.latenciesUs.length; i++) {
        if (i > 0) json.append(',');
        json.append(Math.round(timed.latenciesUs[i] * 10) / 10.0);
      }
      json.append(']');
    }
    return json.append('}').toString();
  }
}
