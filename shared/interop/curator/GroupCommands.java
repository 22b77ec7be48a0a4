// Curator's GroupMember for interop tests: Java and TypeScript members of one group see each other.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.framework.recipes.nodes.GroupMember;

public final class GroupCommands implements CuratorPeer.Commands {
  @Override
  public Object handle(String action, JsonNode args, CuratorPeer peer) throws Exception {
    String name = args.path("name").asText();
    switch (action) {
      case "create": {
        GroupMember member = new GroupMember(peer.client(args), args.path("path").asText(), args.path("id").asText(),
            args.path("payload").asText().getBytes(StandardCharsets.UTF_8));
        member.start();
        peer.putObject(name, member);
        return true;
      }
      case "members": {
        GroupMember member = peer.object(name);
        ObjectNode members = CuratorPeer.JSON.createObjectNode();
        for (Map.Entry<String, byte[]> entry : member.getCurrentMembers().entrySet()) {
          members.put(entry.getKey(), new String(entry.getValue(), StandardCharsets.UTF_8));
        }
        return members;
      }
      case "setPayload": {
        GroupMember member = peer.object(name);
        member.setThisData(args.path("payload").asText().getBytes(StandardCharsets.UTF_8));
        return true;
      }
      case "close": {
        GroupMember member = (GroupMember) peer.removeObject(name);
        if (member != null) member.close();
        return true;
      }
      default:
        throw new IllegalArgumentException("unknown group action " + action);
    }
  }
}
