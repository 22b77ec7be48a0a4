// Curator's InterProcessMutex, for interop tests: a TypeScript Mutex and a Curator mutex on one path
// must exclude each other.
// For the lock benchmark (bench/suites/recipes.ts): cycles (uncontended acquire/release) and handoffs
// (contenders on several sessions, each acquiring and releasing in a loop).
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

public final class MutexCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      case "create":
        peer.putObject(name, new InterProcessMutex(peer.client(args), args.path("path").asText()));
        return true;
      case "acquire": {
        InterProcessMutex mutex = peer.object(name);
        if (args.has("timeoutMs")) return mutex.acquire(args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS);
        mutex.acquire();
        return true;
      }
      case "release": {
        InterProcessMutex mutex = peer.object(name);
        mutex.release();
        return true;
      }
      case "isHeld": {
        InterProcessMutex mutex = peer.object(name);
        return mutex.isAcquiredInThisProcess();
      }
      case "holdAndIncrement":
        return holdAndIncrement(peer, args, peer.object(name));
      case "participants": {
        InterProcessMutex mutex = peer.object(name);
        return mutex.getParticipantNodes();
      }
      case "cycles":
        return cycles(peer, args);
      case "handoffs":
        return handoffs(peer, args);
      default:
        throw new IllegalArgumentException("unknown mutex action " + action);
    }
  }

  /**
   * The critical section of a mutual-exclusion check: `rounds` times acquire, read a counter, wait,
   * write it back plus one (no version check, so overlapping holders lose updates), release.
   * Returns every hold as [startMs, endMs].
   */
  static java.util.List<long[]> holdAndIncrement(CuratorPeer peer, JsonNode args, InterProcessMutex mutex) throws Exception {
    org.apache.curator.framework.CuratorFramework client = peer.client(args);
    String counter = args.path("counterPath").asText();
    java.util.List<long[]> holds = new java.util.ArrayList<>();
    for (int round = 0; round < args.path("rounds").asInt(); round++) {
      mutex.acquire();
      long start = System.currentTimeMillis();
      try {
        int value = Integer.parseInt(new String(client.getData().forPath(counter), java.nio.charset.StandardCharsets.UTF_8));
        Thread.sleep(args.path("holdMs").asLong(5));
        client.setData().forPath(counter, String.valueOf(value + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } finally {
        holds.add(new long[] {start, System.currentTimeMillis()});
        mutex.release();
      }
    }
    return holds;
  }

  /**
   * Benchmark: cycles {client, path, count}: one InterProcessMutex acquired and released `count` times,
   * one cycle after another, with nobody else contending. Returns the elapsed ms.
   */
  static double cycles(CuratorPeer peer, JsonNode args) throws Exception {
    InterProcessMutex mutex = new InterProcessMutex(peer.client(args), args.path("path").asText());
    int count = args.path("count").asInt();
    long start = System.nanoTime();
    for (int cycle = 0; cycle < count; cycle++) {
      mutex.acquire();
      mutex.release();
    }
    return (System.nanoTime() - start) / 1_000_000.0;
  }

  /**
   * Benchmark: handoffs {clients: [names], path, warmupMs, durationMs}: one thread per client (each its
   * own session) with its own InterProcessMutex on `path`, acquiring and releasing in a loop. Counts the
   * acquisitions that complete within the window of durationMs that follows warmupMs, and among them
   * the hand-offs (an acquisition by another contender than the previous holder). Returns
   * {handoffs, acquisitions, windowMs, totalAcquisitions}.
   */
  static com.fasterxml.jackson.databind.node.ObjectNode handoffs(CuratorPeer peer, JsonNode args) throws Exception {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (JsonNode client : args.path("clients")) names.add(client.asText());
    String path = args.path("path").asText();
    long windowStart = System.nanoTime() + args.path("warmupMs").asLong() * 1_000_000L;
    long windowEnd = windowStart + args.path("durationMs").asLong() * 1_000_000L;
    HandoffTally tally = new HandoffTally(windowStart, windowEnd);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int index = 0; index < names.size(); index++) {
      int contender = index;
      InterProcessMutex mutex = new InterProcessMutex(peer.client(names.get(index)), path);
      Thread thread = new Thread(() -> {
        try {
          while (!stop.get()) {
            mutex.acquire();
            try {
              tally.acquired(contender, System.nanoTime());
            } finally {
              mutex.release();
            }
          }
        } catch (Throwable error) {
          failure.compareAndSet(null, error);
          stop.set(true);
        }
      }, "handoffs-" + names.get(index));
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    long sleepNanos = windowEnd - System.nanoTime();
    while (sleepNanos > 0 && !stop.get()) {
      Thread.sleep(Math.max(1, Math.min(100, sleepNanos / 1_000_000L)));
      sleepNanos = windowEnd - System.nanoTime();
    }
    stop.set(true);
    for (Thread thread : threads) thread.join(60_000);
    if (failure.get() != null) throw new IllegalStateException("a contender failed: " + failure.get(), failure.get());
    return tally.result(args.path("durationMs").asLong());
  }

  /** What the hand-off loops count, updated by whichever thread holds the lock. */
  static final class HandoffTally {
    private final long windowStart;
    private final long windowEnd;
    private int lastHolder = -1;
    private long handoffs;
    private long acquisitions;
    private long total;

    HandoffTally(long windowStart, long windowEnd) {
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
    }

    synchronized void acquired(int contender, long nanos) {
      total++;
      if (nanos >= windowStart && nanos < windowEnd) {
        acquisitions++;
        if (contender != lastHolder) handoffs++;
      }
      lastHolder = contender;
    }

    synchronized com.fasterxml.jackson.databind.node.ObjectNode result(long windowMs) {
      return CuratorPeer.JSON.createObjectNode()
          .put("handoffs", handoffs)
          .put("acquisitions", acquisitions)
          .put("windowMs", windowMs)
          .put("totalAcquisitions", total);
    }
  }
}
