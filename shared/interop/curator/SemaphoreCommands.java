// Curator's InterProcessSemaphoreV2 and InterProcessSemaphoreMutex, for interop tests: a TypeScript
// Semaphore and a Curator one with the same maxLeases on one path never hand out more leases than that
// in total; SemaphoreMutex and InterProcessSemaphoreMutex exclude each other.
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

public final class SemaphoreCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      case "create": {
        // maxLeases as a number, or from a SharedCount node (countPath, seeded with countSeed).
        InterProcessSemaphoreV2 semaphore;
        if (args.has("countPath")) {
          SharedCount count = new SharedCount(peer.client(args), args.get("countPath").asText(), args.path("countSeed").asInt(1));
          count.start();
          peer.putObject(name + ".count", count);
          semaphore = new InterProcessSemaphoreV2(peer.client(args), args.path("path").asText(), count);
        } else {
          semaphore = new InterProcessSemaphoreV2(peer.client(args), args.path("path").asText(), args.path("maxLeases").asInt());
        }
        if (args.hasNonNull("data")) semaphore.setNodeData(args.get("data").asText().getBytes(StandardCharsets.UTF_8));
        peer.putObject(name, semaphore);
        return true;
      }
      case "setCount": {
        SharedCount count = peer.object(name + ".count");
        count.setCount(args.path("count").asInt());
        return true;
      }
      case "acquire": {
        // Leases are kept under "<name>.leases"; returns how many were acquired (0 on timeout).
        InterProcessSemaphoreV2 semaphore = peer.object(name);
        int qty = args.path("qty").asInt(1);
        Collection<Lease> leases = args.has("timeoutMs")
            ? semaphore.acquire(qty, args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS)
            : semaphore.acquire(qty);
        if (leases == null) return 0;
        heldLeases(peer, name).addAll(leases);
        return leases.size();
      }
      case "release": {
        // Returns the oldest `qty` leases (default all).
        List<Lease> held = heldLeases(peer, name);
        int qty = args.path("qty").asInt(held.size());
        for (int i = 0; i < qty && !held.isEmpty(); i++) held.remove(0).close();
        return true;
      }
      case "participants": {
        InterProcessSemaphoreV2 semaphore = peer.object(name);
        return semaphore.getParticipantNodes();
      }
      case "holdRounds": {
        InterProcessSemaphoreV2 semaphore = peer.object(name);
        return holdRounds(peer.client(args), args, () -> {
          Lease lease = semaphore.acquire();
          return lease::close;
        });
      }
      case "createMutex":
        peer.putObject(name, new InterProcessSemaphoreMutex(peer.client(args), args.path("path").asText()));
        return true;
      case "mutexAcquire": {
        InterProcessSemaphoreMutex mutex = peer.object(name);
        if (args.has("timeoutMs")) return mutex.acquire(args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS);
        mutex.acquire();
        return true;
      }
      case "mutexRelease": {
        InterProcessSemaphoreMutex mutex = peer.object(name);
        mutex.release();
        return true;
      }
      case "mutexHoldRounds": {
        InterProcessSemaphoreMutex mutex = peer.object(name);
        return holdRounds(peer.client(args), args, () -> {
          mutex.acquire();
          return mutex::release;
        });
      }
      default:
        throw new IllegalArgumentException("unknown semaphore action " + action);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Lease> heldLeases(CuratorPeer peer, String name) {
    try {
      return peer.object(name + ".leases");
    } catch (IllegalArgumentException missing) {
      List<Lease> leases = java.util.Collections.synchronizedList(new ArrayList<>());
      peer.putObject(name + ".leases", leases);
      return leases;
    }
  }

  interface Release {
    void run() throws Exception;
  }

  interface Acquire {
    Release run() throws Exception;
  }

  /**
   * `rounds` times: acquire, add one to the holder count at `counterPath`, hold `holdMs`, subtract one,
   * release. Returns the count seen right after each entry: the number of holders at that moment, as
   * every participant (Java or TypeScript) keeps the same count.
   */
  static List<Integer> holdRounds(CuratorFramework client, JsonNode args, Acquire acquire) throws Exception {
    String counterPath = args.path("counterPath").asText();
    List<Integer> seen = new ArrayList<>();
    for (int round = 0; round < args.path("rounds").asInt(); round++) {
      Release release = acquire.run();
      try {
        seen.add(adjustCounts(client, counterPath, 1)[0]);
        Thread.sleep(args.path("holdMs").asLong(10));
        adjustCounts(client, counterPath, -1);
      } finally {
        release.run();
      }
    }
    return seen;
  }

  /**
   * Adds `deltas` to the comma-separated integers stored at `path` with a versioned write, retrying
   * when another participant wrote in between; returns the values after the change. The TypeScript
   * side (shared/interop/node/holder-count.ts) keeps the same format.
   */
  static int[] adjustCounts(CuratorFramework client, String path, int... deltas) throws Exception {
    for (;;) {
      Stat stat = new Stat();
      String[] parts = new String(client.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8).split(",");
      int[] values = new int[deltas.length];
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < deltas.length; i++) {
        values[i] = (i < parts.length && !parts[i].isBlank() ? Integer.parseInt(parts[i].trim()) : 0) + deltas[i];
        if (i > 0) text.append(',');
        text.append(values[i]);
      }
      try {
        client.setData().withVersion(stat.getVersion()).forPath(path, text.toString().getBytes(StandardCharsets.UTF_8));
        return values;
      } catch (KeeperException.BadVersionException raced) {
        // another holder changed the count first: read it again
      }
    }
  }
}
