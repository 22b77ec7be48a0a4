// Curator's queues (QueueBuilder: DistributedQueue and its priority, delay and id variants; and
// SimpleDistributedQueue), for interop tests and the queue benchmark. Items are UTF-8 strings.
//
// Queue objects are named; a consuming queue records what it consumed (and emits a "queueItem"
// event per item unless quiet), so tests can compare it with what TypeScript producers put.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.queue.DistributedDelayQueue;
import org.apache.curator.framework.recipes.queue.DistributedIdQueue;
import org.apache.curator.framework.recipes.queue.DistributedPriorityQueue;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.MultiItem;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.queue.SimpleDistributedQueue;
import org.apache.curator.framework.state.ConnectionState;

public final class QueueCommands implements CuratorPeer.Commands {
  static final QueueSerializer<String> UTF8 = new QueueSerializer<String>() {
    @Override
    public byte[] serialize(String item) {
      return item.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  /** A named queue of one of the four kinds, with what its consumer took. */
  static final class NamedQueue {
    String kind;
    Object queue;
    final List<String> consumed = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger count = new AtomicInteger();
    volatile CountDownLatch target;

    void close() throws Exception {
      ((java.io.Closeable) queue).close();
    }
  }

  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText("queue");
    switch (action) {
      case "create":
        return create(peer, args, name);
      case "put":
        return put(peer.object(name), args);
      case "putMulti":
        return putMulti(peer.object(name), args);
      case "consumed": {
        NamedQueue named = peer.object(name);
        synchronized (named.consumed) {
          return new ArrayList<>(named.consumed);
        }
      }
      case "close": {
        NamedQueue named = (NamedQueue) peer.removeObject(name);
        if (named != null) named.close();
        return true;
      }
      case "simpleOffer":
        return new SimpleDistributedQueue(peer.client(args), args.path("path").asText())
            .offer(args.path("item").asText().getBytes(StandardCharsets.UTF_8));
      case "simplePoll": {
        SimpleDistributedQueue queue = new SimpleDistributedQueue(peer.client(args), args.path("path").asText());
        byte[] bytes = args.has("timeoutMs") ? queue.poll(args.get("timeoutMs").asLong(), TimeUnit.MILLISECONDS) : queue.poll();
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
      }
      case "simpleTake":
        return new String(new SimpleDistributedQueue(peer.client(args), args.path("path").asText()).take(), StandardCharsets.UTF_8);
      case "produce":
        return produce(peer, args);
      case "consume":
        return consume(peer, args);
      default:
        throw new IllegalArgumentException("unknown queue action " + action);
    }
  }

  /**
   * create {name, client, path, kind: fifo|priority|delay|id, lockPath?, consume: bool, processMs?,
   * minItemsBeforeRefresh?, quiet?}: builds and starts a queue; with consume, its consumer records items.
   */
  private Object create(CuratorPeer peer, JsonNode args, String name) throws Exception {
    NamedQueue named = new NamedQueue();
    named.kind = args.path("kind").asText("fifo");
    boolean quiet = args.path("quiet").asBoolean(false);
    long processMs = args.path("processMs").asLong(0);
    QueueConsumer<String> consumer = !args.path("consume").asBoolean(false) ? null : new QueueConsumer<String>() {
      @Override
      public void consumeMessage(String item) throws Exception {
        if (processMs > 0) Thread.sleep(processMs);
        named.consumed.add(item);
        named.count.incrementAndGet();
        CountDownLatch target = named.target;
        if (target != null) target.countDown();
        if (!quiet) {
          ObjectNode data = CuratorPeer.JSON.createObjectNode().put("name", name).put("item", item);
          peer.emit("queueItem", data);
        }
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState newState) {}
    };
    QueueBuilder<String> builder = QueueBuilder.builder(peer.client(args), consumer, UTF8, args.path("path").asText())
        .putInBackground(false);
    if (args.hasNonNull("lockPath")) builder.lockPath(args.get("lockPath").asText());
    if (args.hasNonNull("maxItems")) builder.maxItems(args.get("maxItems").asInt());
    switch (named.kind) {
      case "fifo":
        named.queue = builder.buildQueue();
        ((DistributedQueue<String>) named.queue).start();
        break;
      case "priority":
        named.queue = builder.buildPriorityQueue(args.path("minItemsBeforeRefresh").asInt(1));
        ((DistributedPriorityQueue<String>) named.queue).start();
        break;
      case "delay":
        named.queue = builder.buildDelayQueue();
        ((DistributedDelayQueue<String>) named.queue).start();
        break;
      case "id":
        named.queue = builder.buildIdQueue();
        ((DistributedIdQueue<String>) named.queue).start();
        break;
      default:
        throw new IllegalArgumentException("unknown queue kind " + named.kind);
    }
    peer.putObject(name, named);
    return true;
  }

  /** put {name, item, priority? | delayUntil? | id?} */
  @SuppressWarnings("unchecked")
  private Object put(NamedQueue named, JsonNode args) throws Exception {
    String item = args.path("item").asText();
    switch (named.kind) {
      case "fifo":
        ((DistributedQueue<String>) named.queue).put(item);
        break;
      case "priority":
        ((DistributedPriorityQueue<String>) named.queue).put(item, args.path("priority").asInt());
        break;
      case "delay":
        ((DistributedDelayQueue<String>) named.queue).put(item, args.path("delayUntil").asLong());
        break;
      case "id":
        ((DistributedIdQueue<String>) named.queue).put(item, args.path("id").asText());
        break;
      default:
        throw new IllegalStateException();
    }
    return true;
  }

  /** putMulti {name, items: [...], priority?}: one queue node holding several items */
  @SuppressWarnings("unchecked")
  private Object putMulti(NamedQueue named, JsonNode args) throws Exception {
    List<String> items = new ArrayList<>();
    for (JsonNode item : args.path("items")) items.add(item.asText());
    java.util.Iterator<String> iterator = items.iterator();
    MultiItem<String> multi = () -> iterator.hasNext() ? iterator.next() : null;
    if (named.kind.equals("priority")) {
      ((DistributedPriorityQueue<String>) named.queue).putMulti(multi, args.path("priority").asInt());
    } else {
      ((DistributedQueue<String>) named.queue).putMulti(multi);
    }
    return true;
  }

  /** Benchmark: produce {client, path, count, size?}: puts count items of size bytes; returns elapsed ms. */
  private Object produce(CuratorPeer peer, JsonNode args) throws Exception {
    DistributedQueue<String> queue =
        QueueBuilder.builder(peer.client(args), null, UTF8, args.path("path").asText()).putInBackground(false).buildQueue();
    queue.start();
    try {
      int count = args.path("count").asInt();
      String item = "x".repeat(args.path("size").asInt(16));
      long start = System.nanoTime();
      for (int index = 0; index < count; index++) queue.put(item);
      return (System.nanoTime() - start) / 1_000_000.0;
    } finally {
      queue.close();
    }
  }

  /**
   * Benchmark: consume {client, path, count, lockPath?, timeoutMs?}: starts a consumer and waits until it
   * has taken count items; returns elapsed ms.
   */
  private Object consume(CuratorPeer peer, JsonNode args) throws Exception {
    int count = args.path("count").asInt();
    CountDownLatch done = new CountDownLatch(count);
    QueueConsumer<String> consumer = new QueueConsumer<String>() {
      @Override
      public void consumeMessage(String item) {
        done.countDown();
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState newState) {}
    };
    QueueBuilder<String> builder = QueueBuilder.builder(peer.client(args), consumer, UTF8, args.path("path").asText());
    if (args.hasNonNull("lockPath")) builder.lockPath(args.get("lockPath").asText());
    DistributedQueue<String> queue = builder.buildQueue();
    long start = System.nanoTime();
    queue.start();
    try {
      if (!done.await(args.path("timeoutMs").asLong(120_000), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("consumed " + (count - done.getCount()) + " of " + count + " items in time");
      }
      return (System.nanoTime() - start) / 1_000_000.0;
    } finally {
      queue.close();
    }
  }
}
