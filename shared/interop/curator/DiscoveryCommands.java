// curator-x-discovery's ServiceDiscovery, ServiceProvider and ServiceCache, for interop tests: a
// TypeScript ServiceDiscovery and Curator's must find each other's instances and write the same bytes.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceInstanceBuilder;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.curator.x.discovery.strategies.RoundRobinStrategy;

public final class DiscoveryCommands implements CuratorPeer.Commands {
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      case "create": {
        // payload "map": ServiceDiscoveryBuilder.builder(Map.class); "details": the POJO payload class.
        Class payloadClass = args.path("payload").asText("map").equals("details") ? DiscoveryTestDetails.class : java.util.Map.class;
        ServiceDiscovery discovery = ServiceDiscoveryBuilder.builder(payloadClass)
            .client(peer.client(args))
            .basePath(args.path("basePath").asText())
            .serializer(new JsonInstanceSerializer(payloadClass))
            .build();
        discovery.start();
        peer.putObject(name, new Handle(discovery, payloadClass));
        return true;
      }
      case "register": {
        Handle handle = peer.object(name);
        ServiceInstance instance = build(handle, args.path("instance"));
        handle.discovery.registerService(instance);
        return describe(instance);
      }
      case "update": {
        Handle handle = peer.object(name);
        ServiceInstance instance = build(handle, args.path("instance"));
        handle.discovery.updateService(instance);
        return describe(instance);
      }
      case "unregister": {
        Handle handle = peer.object(name);
        handle.discovery.unregisterService(build(handle, args.path("instance")));
        return true;
      }
      case "queryForNames": {
        Handle handle = peer.object(name);
        List<String> names = new ArrayList<>(handle.discovery.queryForNames());
        java.util.Collections.sort(names);
        return names;
      }
      case "queryForInstances": {
        Handle handle = peer.object(name);
        List<Object> found = new ArrayList<>();
        for (Object instance : handle.discovery.queryForInstances(args.path("service").asText())) {
          found.add(describe((ServiceInstance) instance));
        }
        found.sort((a, b) -> ((ObjectNode) a).path("id").asText().compareTo(((ObjectNode) b).path("id").asText()));
        return found;
      }
      case "queryForInstance": {
        Handle handle = peer.object(name);
        ServiceInstance instance = handle.discovery.queryForInstance(args.path("service").asText(), args.path("id").asText());
        return instance == null ? null : describe(instance);
      }
      case "provider": {
        Handle handle = peer.object(name);
        ServiceProvider provider = handle.discovery.serviceProviderBuilder()
            .serviceName(args.path("service").asText())
            .providerStrategy(new RoundRobinStrategy())
            .build();
        provider.start();
        peer.putObject(args.path("provider").asText(), provider);
        return true;
      }
      case "providerAll": {
        ServiceProvider provider = peer.object(args.path("provider").asText());
        List<Object> found = new ArrayList<>();
        for (Object instance : provider.getAllInstances()) found.add(describe((ServiceInstance) instance));
        found.sort((a, b) -> ((ObjectNode) a).path("id").asText().compareTo(((ObjectNode) b).path("id").asText()));
        return found;
      }
      case "cache": {
        Handle handle = peer.object(name);
        ServiceCache cache = handle.discovery.serviceCacheBuilder().name(args.path("service").asText()).build();
        cache.start();
        peer.putObject(args.path("cache").asText(), cache);
        return true;
      }
      case "cacheIds": {
        ServiceCache cache = peer.object(args.path("cache").asText());
        List<String> ids = new ArrayList<>();
        for (Object instance : cache.getInstances()) ids.add(((ServiceInstance) instance).getId());
        java.util.Collections.sort(ids);
        return ids;
      }
      case "close": {
        Handle handle = (Handle) peer.removeObject(name);
        if (handle != null) handle.discovery.close();
        return true;
      }
      default:
        throw new IllegalArgumentException("unknown discovery action " + action);
    }
  }

  private static final class Handle {
    final ServiceDiscovery discovery;
    final Class payloadClass;

    Handle(ServiceDiscovery discovery, Class payloadClass) {
      this.discovery = discovery;
      this.payloadClass = payloadClass;
    }
  }

  /** A ServiceInstance from JSON fields; fields left out keep the builder's defaults. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ServiceInstance build(Handle handle, JsonNode json) throws Exception {
    ServiceInstanceBuilder builder = ServiceInstance.builder().name(json.path("name").asText());
    if (json.hasNonNull("id")) builder.id(json.get("id").asText());
    if (json.has("address")) builder.address(json.get("address").isNull() ? null : json.get("address").asText());
    if (json.hasNonNull("port")) builder.port(json.get("port").asInt());
    if (json.hasNonNull("sslPort")) builder.sslPort(json.get("sslPort").asInt());
    if (json.hasNonNull("registrationTimeUTC")) builder.registrationTimeUTC(json.get("registrationTimeUTC").asLong());
    if (json.hasNonNull("serviceType")) builder.serviceType(ServiceType.valueOf(json.get("serviceType").asText()));
    if (json.hasNonNull("uriSpec")) builder.uriSpec(new UriSpec(json.get("uriSpec").asText()));
    if (json.hasNonNull("enabled")) builder.enabled(json.get("enabled").asBoolean());
    JsonNode payload = json.path("payload");
    if (!payload.isMissingNode() && !payload.isNull()) {
      if (handle.payloadClass == DiscoveryTestDetails.class) {
        builder.payload(CuratorPeer.JSON.treeToValue(payload, DiscoveryTestDetails.class));
      } else if (payload.isObject()) {
        builder.payload(CuratorPeer.JSON.convertValue(payload, LinkedHashMap.class));
      } else {
        builder.payload(CuratorPeer.JSON.treeToValue(payload, Object.class));
      }
    }
    return builder.build();
  }

  /** What Java sees of an instance, payload class included. */
  private static ObjectNode describe(ServiceInstance<?> instance) {
    ObjectNode json = CuratorPeer.JSON.createObjectNode();
    json.put("name", instance.getName());
    json.put("id", instance.getId());
    json.put("address", instance.getAddress());
    json.put("port", instance.getPort());
    json.put("sslPort", instance.getSslPort());
    Object payload = instance.getPayload();
    json.put("payloadClass", payload == null ? null : payload.getClass().getName());
    json.set("payload", CuratorPeer.JSON.valueToTree(payload));
    json.put("registrationTimeUTC", instance.getRegistrationTimeUTC());
    json.put("serviceType", instance.getServiceType() == null ? null : instance.getServiceType().name());
    json.put("uri", instance.getUriSpec() == null ? null : instance.getUriSpec().build(instance));
    json.put("enabled", instance.isEnabled());
    return json;
  }
}
