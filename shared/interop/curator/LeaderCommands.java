// Curator's LeaderLatch and LeaderSelector, for interop tests and the failover benchmark: TypeScript
// and Curator participants on one path must elect one leader between them.
//
// Events (timestamps are System.currentTimeMillis(), comparable with Date.now() in Node peers):
//   {"event":"leader","data":{"name":..,"isLeader":true|false,"at":ms,"path":ourPath}}
//       a latch's LeaderLatchListener fired
//   {"event":"selector","data":{"name":..,"phase":"start"|"end","at":ms,"path":..,"interrupted":bool}}
//       a selector's takeLeadership began / is about to return (its node is released right after)
// Latch actions:    latchCreate {client,name,path,id?} latchStart latchClose {notifyLeader?} -> {closingAt,closedAt}
//                   latchHasLeadership latchAwait {timeoutMs} -> bool latchParticipants latchLeader latchOurPath
// Selector actions: selectorCreate {client,name,path,id?,autoRequeue?,holdMs?} (holdMs < 0: hold until
//                   selectorRelease or interruption) selectorStart selectorRequeue selectorRelease
//                   selectorInterrupt selectorClose selectorHasLeadership selectorParticipants
//                   selectorIntervals -> [[startMs,endMs],...]
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.leader.Participant;

public final class LeaderCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      // ---- LeaderLatch --------------------------------------------------------------------------
      case "latchCreate": {
        LeaderLatch latch = new LeaderLatch(peer.client(args), args.path("path").asText(), args.path("id").asText(""));
        latch.addListener(new LeaderLatchListener() {
          @Override
          public void isLeader() {
            peer.emit("leader", event(name).put("isLeader", true).put("path", latch.getOurPath()));
          }

          @Override
          public void notLeader() {
            peer.emit("leader", event(name).put("isLeader", false).put("path", latch.getOurPath()));
          }
        });
        peer.putObject(name, latch);
        return true;
      }
      case "latchStart":
        this.<LeaderLatch>object(peer, name).start();
        return true;
      case "latchClose": {
        LeaderLatch latch = object(peer, name);
        long closingAt = System.currentTimeMillis();
        latch.close(args.path("notifyLeader").asBoolean(false) ? LeaderLatch.CloseMode.NOTIFY_LEADER : LeaderLatch.CloseMode.SILENT);
        peer.removeObject(name);
        return CuratorPeer.JSON.createObjectNode().put("closingAt", closingAt).put("closedAt", System.currentTimeMillis());
      }
      case "latchHasLeadership":
        return this.<LeaderLatch>object(peer, name).hasLeadership();
      case "latchAwait":
        return this.<LeaderLatch>object(peer, name).await(args.path("timeoutMs").asLong(10_000), TimeUnit.MILLISECONDS);
      case "latchParticipants":
        return participants(this.<LeaderLatch>object(peer, name).getParticipants());
      case "latchLeader":
        return participant(this.<LeaderLatch>object(peer, name).getLeader());
      case "latchOurPath":
        return this.<LeaderLatch>object(peer, name).getOurPath();

      // ---- LeaderSelector -----------------------------------------------------------------------
      case "selectorCreate": {
        RecordingListener listener = new RecordingListener(peer, name, args.path("holdMs").asLong(-1));
        LeaderSelector selector = new LeaderSelector(peer.client(args), args.path("path").asText(), listener);
        if (args.hasNonNull("id")) selector.setId(args.get("id").asText());
        if (args.path("autoRequeue").asBoolean(false)) selector.autoRequeue();
        peer.putObject(name, selector);
        peer.putObject(name + "#listener", listener);
        return true;
      }
      case "selectorStart":
        this.<LeaderSelector>object(peer, name).start();
        return true;
      case "selectorRequeue":
        return this.<LeaderSelector>object(peer, name).requeue();
      case "selectorRelease":
        return this.<RecordingListener>object(peer, name + "#listener").release();
      case "selectorInterrupt":
        this.<LeaderSelector>object(peer, name).interruptLeadership();
        return true;
      case "selectorClose": {
        LeaderSelector selector = object(peer, name);
        long closingAt = System.currentTimeMillis();
        selector.close();
        peer.removeObject(name);
        return CuratorPeer.JSON.createObjectNode().put("closingAt", closingAt).put("closedAt", System.currentTimeMillis());
      }
      case "selectorHasLeadership":
        return this.<LeaderSelector>object(peer, name).hasLeadership();
      case "selectorParticipants":
        return participants(this.<LeaderSelector>object(peer, name).getParticipants());
      case "selectorLeader":
        return participant(this.<LeaderSelector>object(peer, name).getLeader());
      case "selectorIntervals":
        return this.<RecordingListener>object(peer, name + "#listener").intervals();
      default:
        throw new IllegalArgumentException("unknown leader action " + action);
    }
  }

  private <T> T object(CuratorPeer peer, String name) {
    return peer.object(name);
  }

  private static ObjectNode event(String name) {
    return CuratorPeer.JSON.createObjectNode().put("name", name).put("at", System.currentTimeMillis());
  }

  private static ArrayNode participants(Collection<Participant> participants) {
    ArrayNode result = CuratorPeer.JSON.createArrayNode();
    for (Participant participant : participants) result.add(participant(participant));
    return result;
  }

  private static ObjectNode participant(Participant participant) {
    return CuratorPeer.JSON.createObjectNode().put("id", participant.getId()).put("isLeader", participant.isLeader());
  }

  /**
   * Leads for holdMs, or until selectorRelease (holdMs < 0), or until Curator interrupts it
   * (LeaderSelectorListenerAdapter cancels leadership on SUSPENDED and LOST); records every term.
   */
  static final class RecordingListener extends LeaderSelectorListenerAdapter {
    private final CuratorPeer peer;
    private final String name;
    private final long holdMs;
    private final List<long[]> intervals = new ArrayList<>();
    private volatile CountDownLatch currentTerm;

    RecordingListener(CuratorPeer peer, String name, long holdMs) {
      this.peer = peer;
      this.name = name;
      this.holdMs = holdMs;
    }

    @Override
    public void takeLeadership(CuratorFramework client) {
      long start = System.currentTimeMillis();
      CountDownLatch term = new CountDownLatch(1);
      currentTerm = term;
      peer.emit("selector", event(name).put("phase", "start"));
      boolean interrupted = false;
      try {
        if (holdMs >= 0) term.await(holdMs, TimeUnit.MILLISECONDS);
        else term.await();
      } catch (InterruptedException e) {
        interrupted = true;
      } finally {
        currentTerm = null;
        long end = System.currentTimeMillis();
        synchronized (intervals) {
          intervals.add(new long[] {start, end});
        }
        peer.emit("selector", event(name).put("phase", "end").put("interrupted", interrupted));
      }
    }

    boolean release() {
      CountDownLatch term = currentTerm;
      if (term == null) return false;
      term.countDown();
      return true;
    }

    List<long[]> intervals() {
      synchronized (intervals) {
        return new ArrayList<>(intervals);
      }
    }
  }
}
