// ID generation loops for the benchmark (IDs per second, Curator side) and interop tests. Each loop runs
// on the calling actor's thread; run several actors for concurrency.
//   naming.atomicLongLoop {path, count}    DistributedAtomicLong.increment() until `count` succeeded
//   naming.sequentialLoop {path, count}    create PERSISTENT_SEQUENTIAL <path>/id- and delete it, `count` times
// Both return {count, elapsedMs, first, last} (first/last: the first and last ID, as strings), and with
// "collect": true also "ids", every ID as a string.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

public final class NamingCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    CuratorFramework client = peer.client(args);
    String path = args.path("path").asText();
    int count = args.path("count").asInt();
    java.util.List<String> ids = args.path("collect").asBoolean(false) ? new java.util.ArrayList<>() : null;
    switch (action) {
      case "atomicLongLoop": {
        DistributedAtomicLong counter = new DistributedAtomicLong(client, path, new RetryNTimes(1000, 1));
        long first = 0;
        long last = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
          AtomicValue<Long> value;
          while (!(value = counter.increment()).succeeded()) Thread.sleep(1);
          if (i == 0) first = value.postValue();
          last = value.postValue();
          if (ids != null) ids.add(String.valueOf(last));
        }
        return summary(count, started, first, last, ids);
      }
      case "sequentialLoop": {
        // The parent must be persistent: a container would be reaped when empty, restarting the counter.
        try {
          client.create().creatingParentContainersIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException ignore) {
          // already there
        }
        long first = 0;
        long last = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
          String created = client.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ZKPaths.makePath(path, "id-"));
          client.delete().inBackground().forPath(created);
          long id = Long.parseLong(created.substring(created.length() - 10));
          if (i == 0) first = id;
          last = id;
          if (ids != null) ids.add(String.valueOf(id));
        }
        return summary(count, started, first, last, ids);
      }
      default:
        throw new IllegalArgumentException("unknown naming action " + action);
    }
  }

  private static ObjectNode summary(int count, long startedNanos, long first, long last, java.util.List<String> ids) {
    ObjectNode result = CuratorPeer.JSON.createObjectNode()
        .put("count", count)
        .put("elapsedMs", (System.nanoTime() - startedNanos) / 1_000_000.0)
        .put("first", String.valueOf(first))
        .put("last", String.valueOf(last));
    if (ids != null) result.set("ids", CuratorPeer.JSON.valueToTree(ids));
    return result;
  }
}
