package dev.rewind.operator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The discovery documents of {@code query.rewind.dev/v1alpha1}: what kubectl learns the resources from. Pure. */
public final class ApiDiscovery {

  public static final String GROUP = "query.rewind.dev";
  public static final String VERSION = "v1alpha1";
  public static final String GROUP_VERSION = GROUP + "/" + VERSION;
  public static final String EVENTS = "events";
  public static final String BODY = "body";
  public static final String ORDERS = "orders";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ApiDiscovery() {}

  /** {@code GET /apis}: the one group. */
  public static ObjectNode groupList() {
    ObjectNode list = JSON.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    list.putArray("groups").add(group(false));
    return list;
  }

  /** {@code GET /apis/query.rewind.dev}. */
  public static ObjectNode group() {
    return group(true);
  }

  private static ObjectNode group(boolean typed) {
    ObjectNode group = JSON.objectNode();
    if (typed) {
      group.put("kind", "APIGroup").put("apiVersion", "v1");
    }
    group.put("name", GROUP);
    ObjectNode version = JSON.objectNode().put("groupVersion", GROUP_VERSION).put("version", VERSION);
    group.putArray("versions").add(version);
    group.set("preferredVersion", version.deepCopy());
    return group;
  }

  /** {@code GET /apis/query.rewind.dev/v1alpha1}. */
  public static ObjectNode resourceList() {
    ObjectNode list = JSON.objectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", GROUP_VERSION);
    ArrayNode resources = list.putArray("resources");
    resources.add(resource(EVENTS, "journalevent", "JournalEvent", List.of("get", "list")));
    resources.add(resource(EVENTS + "/" + BODY, "", "JournalEventBody", List.of("get")));
    resources.add(resource(ORDERS, "order", "Order", List.of("get")));
    return list;
  }

  private static ObjectNode resource(String name, String singular, String kind, List<String> verbs) {
    ObjectNode resource = JSON.objectNode().put("name", name).put("singularName", singular).put("namespaced", true)
        .put("kind", kind);
    ArrayNode verbList = resource.putArray("verbs");
    verbs.forEach(verbList::add);
    return resource;
  }
}
