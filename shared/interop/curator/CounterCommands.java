// Curator's shared counters for interop tests: SharedCount, DistributedAtomicInteger (4 bytes) and
// DistributedAtomicLong (8 bytes) on the same nodes as the TypeScript SharedCount and
// DistributedAtomicLong. Ops are "counter.<recipe>.<action>"; 64-bit values travel as strings.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicInteger;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.SharedCountListener;
import org.apache.curator.framework.recipes.shared.SharedCountReader;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;

public final class CounterCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      // ---- SharedCount ---------------------------------------------------------------------------
      case "sharedCount.create": {
        SharedCount count = new SharedCount(peer.client(args), args.path("path").asText(), args.path("seed").asInt(0));
        count.addListener(new SharedCountListener() {
          @Override
          public void countHasChanged(SharedCountReader reader, int newCount) {
            peer.emit("countChanged", CuratorPeer.JSON.createObjectNode().put("name", name).put("value", newCount));
          }

          @Override
          public void stateChanged(org.apache.curator.framework.CuratorFramework client, ConnectionState state) {}
        });
        count.start();
        peer.putObject(name, count);
        return true;
      }
      case "sharedCount.get": {
        SharedCount count = peer.object(name);
        VersionedValue<Integer> value = count.getVersionedValue();
        return CuratorPeer.JSON.createObjectNode().put("value", value.getValue()).put("version", value.getVersion());
      }
      case "sharedCount.set": {
        SharedCount count = peer.object(name);
        count.setCount(args.path("value").asInt());
        return true;
      }
      case "sharedCount.trySetFromCurrent": {
        SharedCount count = peer.object(name);
        return count.trySetCount(count.getVersionedValue(), args.path("value").asInt());
      }
      case "sharedCount.increments": {
        // SharedCount has no increment: compare-and-set from the watched local copy until it lands.
        SharedCount count = peer.object(name);
        int done = 0;
        for (int i = 0; i < args.path("count").asInt(); i++) {
          for (;;) {
            VersionedValue<Integer> seen = count.getVersionedValue();
            if (count.trySetCount(seen, seen.getValue() + 1)) break;
            Thread.sleep(1); // the local copy is stale until the watch fires
          }
          done++;
        }
        return done;
      }
      case "sharedCount.close": {
        SharedCount count = (SharedCount) peer.removeObject(name);
        if (count != null) count.close();
        return true;
      }

      // ---- DistributedAtomicInteger ------------------------------------------------------------
      case "atomicInteger.create":
        peer.putObject(name, new DistributedAtomicInteger(peer.client(args), args.path("path").asText(), new RetryNTimes(1000, 1)));
        return true;
      case "atomicInteger.get": {
        DistributedAtomicInteger counter = peer.object(name);
        return counter.get().postValue();
      }
      case "atomicInteger.increments": {
        DistributedAtomicInteger counter = peer.object(name);
        int done = 0;
        for (int i = 0; i < args.path("count").asInt(); i++) {
          while (!counter.increment().succeeded()) Thread.sleep(1);
          done++;
        }
        return done;
      }

      // ---- DistributedAtomicLong ---------------------------------------------------------------
      case "atomicLong.create":
        peer.putObject(name, new DistributedAtomicLong(peer.client(args), args.path("path").asText(), new RetryNTimes(1000, 1)));
        return true;
      case "atomicLong.get":
        return result(this.<DistributedAtomicLong>counter(peer, name).get());
      case "atomicLong.increment":
        return result(this.<DistributedAtomicLong>counter(peer, name).increment());
      case "atomicLong.add":
        return result(this.<DistributedAtomicLong>counter(peer, name).add(Long.parseLong(args.path("delta").asText())));
      case "atomicLong.compareAndSet":
        return result(this.<DistributedAtomicLong>counter(peer, name).compareAndSet(
            Long.parseLong(args.path("expected").asText()), Long.parseLong(args.path("value").asText())));
      case "atomicLong.trySet":
        return result(this.<DistributedAtomicLong>counter(peer, name).trySet(Long.parseLong(args.path("value").asText())));
      case "atomicLong.forceSet":
        this.<DistributedAtomicLong>counter(peer, name).forceSet(Long.parseLong(args.path("value").asText()));
        return true;
      case "atomicLong.initialize":
        return this.<DistributedAtomicLong>counter(peer, name).initialize(Long.parseLong(args.path("value").asText()));
      case "atomicLong.increments": {
        // Returns the post value of every increment: each is an ID no other increment got.
        DistributedAtomicLong counter = peer.object(name);
        java.util.List<String> postValues = new java.util.ArrayList<>();
        for (int i = 0; i < args.path("count").asInt(); i++) {
          AtomicValue<Long> value;
          while (!(value = counter.increment()).succeeded()) Thread.sleep(1);
          postValues.add(String.valueOf(value.postValue()));
        }
        return postValues;
      }
      default:
        throw new IllegalArgumentException("unknown counter action " + action);
    }
  }

  private <T> T counter(CuratorPeer peer, String name) {
    return peer.object(name);
  }

  private static ObjectNode result(AtomicValue<Long> value) {
    return CuratorPeer.JSON.createObjectNode()
        .put("succeeded", value.succeeded())
        .put("preValue", String.valueOf(value.preValue()))
        .put("postValue", String.valueOf(value.postValue()));
  }
}
