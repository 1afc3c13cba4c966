package dev.rewind.api.manifest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The shared table of invalid objects ({@code validation/invalid-objects.yaml}): each must be rejected on
 * {@code field} with a message containing {@code message}, by the standalone validator and by the API server.
 */
public final class InvalidObjectCases {

  /** One row of the table. */
  public record Case(String description, String field, String message, JsonNode object) {

    public String kind() {
      return object.path("kind").asText();
    }

    public String name() {
      return object.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private record Row(String caseName, String field, String message, JsonNode object) {}

  private InvalidObjectCases() {}

  public static List<Case> load() {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (InputStream in = InvalidObjectCases.class.getResourceAsStream("/validation/invalid-objects.yaml")) {
      List<JsonNode> rows = yaml.readValue(in, new TypeReference<List<JsonNode>>() {});
      return rows.stream()
          .map(r -> new Case(r.path("case").asText(), r.path("field").asText(), r.path("message").asText(),
              r.path("object")))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
