package dev.rewind.cli.kubectl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reading the read API's JSON leniently: a missing or null field is null, never an exception. */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text == null ? "" : text);
      return node == null ? MissingNode.getInstance() : node;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the read API answered something that is not JSON: " + e.getOriginalMessage());
    }
  }

  /** The node at a dotted path ({@code spec.sender.workload}); missing when any step is. */
  static JsonNode at(JsonNode node, String path) {
    JsonNode current = node;
    for (String step : path.split("\\.")) {
      current = current == null ? MissingNode.getInstance() : current.path(step);
    }
    return current;
  }

  static String text(JsonNode node, String path) {
    JsonNode value = at(node, path);
    return value.isMissingNode() || value.isNull() ? null : value.asText();
  }

  static Integer integer(JsonNode node, String path) {
    JsonNode value = at(node, path);
    return value.isNumber() ? Integer.valueOf(value.asInt()) : value.isTextual() && !value.asText().isBlank()
        ? Integer.valueOf(value.asText().trim()) : null;
  }

  static int integer(JsonNode node, String path, int otherwise) {
    Integer value = integer(node, path);
    return value == null ? otherwise : value;
  }

  static double decimal(JsonNode node, String path) {
    JsonNode value = at(node, path);
    return value.isNumber() ? value.asDouble() : 0;
  }

  static Boolean bool(JsonNode node, String path) {
    JsonNode value = at(node, path);
    return value.isBoolean() ? value.asBoolean() : null;
  }

  /** An RFC 3339 time, null when absent; an offset other than Z is converted. */
  static Instant instant(JsonNode node, String path) {
    String value = text(node, path);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalStateException(path + ": \"" + value + "\" is not an RFC 3339 time");
    }
  }

  static <T> List<T> list(JsonNode node, String path, Function<JsonNode, T> each) {
    List<T> items = new ArrayList<>();
    JsonNode array = at(node, path);
    if (array.isArray()) {
      array.forEach(item -> items.add(each.apply(item)));
    }
    return List.copyOf(items);
  }
}
