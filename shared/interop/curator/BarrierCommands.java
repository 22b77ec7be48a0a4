// Curator's barriers for interop tests: a DistributedDoubleBarrier (and DistributedBarrier) on the same
// path as the TypeScript ones. enter/leave block the actor's thread, so give each member its own actor.
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;

public final class BarrierCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      case "double.create":
        peer.putObject(name, new DistributedDoubleBarrier(peer.client(args), args.path("path").asText(), args.path("memberQty").asInt()));
        return true;
      case "double.enter": {
        DistributedDoubleBarrier barrier = peer.object(name);
        // Untimed: Curator 5.4's timed enter can return after a spurious wake-up (GH-1290).
        if (!args.has("timeoutMs")) {
          barrier.enter();
          return true;
        }
        return barrier.enter(args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS);
      }
      case "double.leave": {
        DistributedDoubleBarrier barrier = peer.object(name);
        if (!args.has("timeoutMs")) {
          barrier.leave();
          return true;
        }
        return barrier.leave(args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS);
      }
      case "single.create":
        peer.putObject(name, new DistributedBarrier(peer.client(args), args.path("path").asText()));
        return true;
      case "single.set": {
        DistributedBarrier barrier = peer.object(name);
        barrier.setBarrier();
        return true;
      }
      case "single.remove": {
        DistributedBarrier barrier = peer.object(name);
        barrier.removeBarrier();
        return true;
      }
      case "single.wait": {
        DistributedBarrier barrier = peer.object(name);
        return barrier.waitOnBarrier(args.path("timeoutMs").asLong(30000), TimeUnit.MILLISECONDS);
      }
      default:
        throw new IllegalArgumentException("unknown barrier action " + action);
    }
  }
}
