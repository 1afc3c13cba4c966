package dev.rewind.operator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewind.journal.store.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Events as a {@code meta.k8s.io/v1 Table}, what {@code kubectl get} asks for and prints as it is: the columns
 * NAME, ROUTE, STATE, ATTEMPTS, LAST OUTCOME, CORRELATION ID, AGE, and with {@code -o wide} TYPE and SENDER. Pure.
 */
public final class EventTables {

  /** What kubectl sends in Accept when it wants a Table (it may list other forms too). */
  public static final String MEDIA_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String NONE = "<none>";

  private record Column(String name, String type, String format, String description, int priority) {}

  private static final List<Column> COLUMNS = List.of(
      new Column("Name", "string", "name", "The event's Rewind id.", 0),
      new Column("Route", "string", "", "The Route that captured it.", 0),
      new Column("State", "string", "", "pending, delivering, delivered, failed or dead.", 0),
      new Column("Attempts", "integer", "", "Delivery attempts made.", 0),
      new Column("Last Outcome", "string", "", "The last attempt's outcome: delivered, a status code, timeout...",
          0),
      new Column("Correlation ID", "string", "", "The order or business key the Route extracted.", 0),
      new Column("Age", "string", "", "How long ago it was captured.", 0),
      new Column("Type", "string", "", "The event type.", 1),
      new Column("Sender", "string", "", "The workload (and pod) that sent it.", 1));

  private EventTables() {}

  /** Whether an Accept header asks for a Table (among other forms or not). */
  public static boolean wanted(String accept) {
    if (accept == null) {
      return false;
    }
    for (String alternative : accept.split(",")) {
      String compact = alternative.replace(" ", "");
      if (compact.contains("as=Table") && compact.contains("g=meta.k8s.io")
          && (compact.contains("v=v1;") || compact.endsWith("v=v1"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param continueToken the listing's next page, or null
   */
  public static ObjectNode of(List<StoredEvent> events, String continueToken, ListParameters.IncludeObject include,
      Instant now) {
    ObjectNode table = JSON.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (continueToken != null) {
      metadata.put("continue", continueToken);
    }
    ArrayNode columns = table.putArray("columnDefinitions");
    for (Column c : COLUMNS) {
      columns.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
          .put("description", c.description()).put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (StoredEvent event : events) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(event.id().toString());
      cells.add(text(event.route()));
      cells.add(event.state() == null ? NONE : event.state().wireName());
      cells.add(event.attempts());
      cells.add(text(event.lastOutcome()));
      cells.add(text(event.correlationId()));
      cells.add(event.receivedAt() == null ? NONE : age(Duration.between(event.receivedAt(), now)));
      cells.add(text(event.eventType()));
      cells.add(sender(event));
      switch (include) {
        case METADATA -> row.set("object", EventObjects.partialMetadata(event));
        case OBJECT -> row.set("object", EventObjects.event(event, null));
        case NONE -> { }
      }
    }
    return table;
  }

  private static String sender(StoredEvent event) {
    if (event.senderWorkload() == null && event.senderPod() == null) {
      return NONE;
    }
    if (event.senderPod() == null) {
      return event.senderWorkload();
    }
    return (event.senderWorkload() == null ? "" : event.senderWorkload()) + "/" + event.senderPod();
  }

  private static String text(String value) {
    return value == null || value.isEmpty() ? NONE : value;
  }

  /** An age as kubectl prints one (Kubernetes' duration.HumanDuration): 45s, 3m20s, 5h, 3d4h, 2y. */
  public static String age(Duration age) {
    long seconds = age.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
