// Curator's InterProcessMutex, for interop tests: a TypeScript Mutex and a Curator mutex on one path
// must exclude each other.
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
}
