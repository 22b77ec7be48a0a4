// Curator's InterProcessReadWriteLock, for interop tests: a TypeScript ReadWriteLock and a Curator one
// on one path share reads and exclude writes both ways. Curator's locks belong to threads, so acquire
// and release of one lock must come from the same actor.
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;

public final class ReadWriteLockCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      case "create": {
        String path = args.path("path").asText();
        InterProcessReadWriteLock lock = args.hasNonNull("id")
            ? new InterProcessReadWriteLock(peer.client(args), path, args.get("id").asText().getBytes(StandardCharsets.UTF_8))
            : new InterProcessReadWriteLock(peer.client(args), path);
        peer.putObject(name, lock);
        return true;
      }
      case "acquire": {
        InterProcessMutex side = side(peer.object(name), args);
        if (args.has("timeoutMs")) return side.acquire(args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS);
        side.acquire();
        return true;
      }
      case "release":
        side(peer.object(name), args).release();
        return true;
      case "isHeld":
        return side(peer.object(name), args).isAcquiredInThisProcess();
      case "participants":
        return side(peer.object(name), args).getParticipantNodes();
      case "holdRounds":
        return holdRounds(peer.client(args), peer.object(name), args);
      default:
        throw new IllegalArgumentException("unknown readWriteLock action " + action);
    }
  }

  private static InterProcessMutex side(InterProcessReadWriteLock lock, JsonNode args) {
    String kind = args.path("kind").asText();
    if (kind.equals("read")) return lock.readLock();
    if (kind.equals("write")) return lock.writeLock();
    throw new IllegalArgumentException("kind must be read or write, got " + kind);
  }

  /**
   * For each kind in `kinds` ("read" / "write"): acquire that side, add one to the readers or writers
   * count at `statePath` ("readers,writers"), hold `holdMs`, subtract it again, release. Returns, per
   * hold, [kind, readers, writers] as seen right after entering.
   */
  static List<Object[]> holdRounds(CuratorFramework client, InterProcessReadWriteLock lock, JsonNode args) throws Exception {
    String statePath = args.path("statePath").asText();
    List<Object[]> seen = new ArrayList<>();
    for (JsonNode kindNode : args.path("kinds")) {
      String kind = kindNode.asText();
      boolean write = kind.equals("write");
      InterProcessMutex side = write ? lock.writeLock() : lock.readLock();
      side.acquire();
      try {
        int[] counts = SemaphoreCommands.adjustCounts(client, statePath, write ? 0 : 1, write ? 1 : 0);
        seen.add(new Object[] {kind, counts[0], counts[1]});
        Thread.sleep(args.path("holdMs").asLong(10));
        SemaphoreCommands.adjustCounts(client, statePath, write ? 0 : -1, write ? -1 : 0);
      } finally {
        side.release();
      }
    }
    return seen;
  }
}
