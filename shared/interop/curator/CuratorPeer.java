// A Curator 5 participant driven over stdin/stdout, so TypeScript tests can run real Curator recipes
// next to ours on the same ZooKeeper paths.
//
// Protocol: one JSON object per line.
//   in:  {"id": 7, "op": "mutex.acquire", "actor": "m1", "args": {...}}
//   out: {"id": 7, "ok": true, "result": ...} | {"id": 7, "ok": false, "error": "..."}
//        {"event": "name", "data": {...}}            (unsolicited, e.g. leadership changes)
// "op" is "<family>.<action>": the family names a class <Family>Commands in this directory (one file
// per recipe family); "client.*" ops are handled here. Commands with the same "actor" run one after
// another on that actor's own thread (Curator locks are owned by threads); different actors run
// concurrently.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

public final class CuratorPeer {
  /** What a command family gets to work with. */
  public interface Commands {
    Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception;
  }

  static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;
  private final Map<String, CuratorFramework> clients = new ConcurrentHashMap<>();
  private final Map<String, Object> objects = new ConcurrentHashMap<>();
  private final Map<String, ExecutorService> actors = new ConcurrentHashMap<>();
  private final Map<String, Commands> families = new ConcurrentHashMap<>();

  CuratorPeer(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    CuratorPeer peer = new CuratorPeer(out);
    peer.emit("ready", JSON.createObjectNode());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      peer.dispatch(JSON.readTree(line));
    }
    peer.closeAll();
    System.exit(0);
  }

  void dispatch(JsonNode command) {
    long id = command.path("id").asLong();
    String op = command.path("op").asText();
    String actor = command.path("actor").asText("main");
    JsonNode args = command.path("args");
    ExecutorService executor = actors.computeIfAbsent(actor, name -> Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "actor-" + name);
      thread.setDaemon(true);
      return thread;
    }));
    executor.submit(() -> {
      try {
        reply(id, true, JSON.valueToTree(run(op, args)), null);
      } catch (Throwable error) {
        reply(id, false, null, error.getClass().getSimpleName() + ": " + error.getMessage());
      }
    });
  }

  private Object run(String op, JsonNode args) throws Exception {
    int dot = op.indexOf('.');
    if (dot < 0) throw new IllegalArgumentException("op must be <family>.<action>: " + op);
    String family = op.substring(0, dot);
    String action = op.substring(dot + 1);
    if (family.equals("client")) return clientCommand(action, args);
    Commands commands = families.computeIfAbsent(family, CuratorPeer::loadFamily);
    return commands.handle(action, args, this);
  }

  private static Commands loadFamily(String family) {
    String className = Character.toUpperCase(family.charAt(0)) + family.substring(1) + "Commands";
    try {
      return (Commands) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException error) {
      throw new IllegalArgumentException("unknown command family " + family + " (no class " + className + ")", error);
    }
  }

  private Object clientCommand(String action, JsonNode args) throws Exception {
    String name = args.path("client").asText("default");
    switch (action) {
      case "open": {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
            .connectString(args.path("connect").asText())
            .sessionTimeoutMs(args.path("sessionTimeoutMs").asInt(10000))
            .connectionTimeoutMs(args.path("connectionTimeoutMs").asInt(10000))
            .retryPolicy(new ExponentialBackoffRetry(100, 10));
        if (args.hasNonNull("namespace")) builder.namespace(args.get("namespace").asText());
        CuratorFramework client = builder.build();
        client.start();
        if (!client.blockUntilConnected(args.path("connectionTimeoutMs").asInt(10000), java.util.concurrent.TimeUnit.MILLISECONDS)) {
          client.close();
          throw new IllegalStateException("Curator client " + name + " did not connect");
        }
        client.getConnectionStateListenable().addListener((c, state) -> {
          ObjectNode data = JSON.createObjectNode().put("client", name).put("state", state.name());
          emit("connectionState", data);
        });
        clients.put(name, client);
        return sessionOf(client);
      }
      case "session":
        return sessionOf(client(name));
      case "close": {
        CuratorFramework client = clients.remove(name);
        if (client != null) client.close();
        return true;
      }
      default:
        throw new IllegalArgumentException("unknown client action " + action);
    }
  }

  private static String sessionOf(CuratorFramework client) throws Exception {
    return Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId());
  }

  // ---- for command families --------------------------------------------------------------------

  public CuratorFramework client(String name) {
    CuratorFramework client = clients.get(name);
    if (client == null) throw new IllegalArgumentException("no client named " + name + " (open it with client.open)");
    return client;
  }

  public CuratorFramework client(JsonNode args) {
    return client(args.path("client").asText("default"));
  }

  @SuppressWarnings("unchecked")
  public <T> T object(String name) {
    Object value = objects.get(name);
    if (value == null) throw new IllegalArgumentException("no object named " + name);
    return (T) value;
  }

  public void putObject(String name, Object value) {
    objects.put(name, value);
  }

  public Object removeObject(String name) {
    return objects.remove(name);
  }

  public synchronized void emit(String event, JsonNode data) {
    ObjectNode message = JSON.createObjectNode();
    message.put("event", event);
    message.set("data", data);
    out.println(message.toString());
  }

  private synchronized void reply(long id, boolean ok, JsonNode result, String error) {
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("ok", ok);
    if (ok) message.set("result", result);
    else message.put("error", error);
    out.println(message.toString());
  }

  private void closeAll() {
    for (CuratorFramework client : clients.values()) client.close();
  }
}
