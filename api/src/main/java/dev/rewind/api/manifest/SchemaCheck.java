package dev.rewind.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.Pattern;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Applies an OpenAPI v3 structural schema the way the API server does for a create: first defaults, then the
 * schema constraints, then the CEL rules of every node whose own subtree is schema-valid. Unknown fields are
 * errors, as with kubectl's strict field validation. Messages follow the API server's wording.
 */
final class SchemaCheck {

  private final CelRules cel;
  private final List<Violation> violations = new ArrayList<>();
  /** RE2 (as the API server's Go regexp), not java.util.regex: "$" then matches only at the very end. */
  private final Map<String, Pattern> patterns = new LinkedHashMap<>();

  SchemaCheck(CelRules cel) {
    this.cel = cel;
  }

  List<Violation> violations() {
    return violations;
  }

  /** Fills in schema defaults for absent fields, recursively, in place. */
  static void applyDefaults(JsonNode node, JSONSchemaProps schema) {
    if (schema == null || node == null) {
      return;
    }
    if (node instanceof ObjectNode object && schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
        JSONSchemaProps propertySchema = property.getValue();
        if (!object.has(property.getKey()) && propertySchema.getDefault() != null) {
          object.set(property.getKey(), Serialization.jsonMapper().valueToTree(propertySchema.getDefault()));
        }
        applyDefaults(object.get(property.getKey()), propertySchema);
      }
    } else if (node instanceof ArrayNode array && schema.getItems() != null) {
      for (JsonNode item : array) {
        applyDefaults(item, schema.getItems().getSchema());
      }
    }
  }

  /** Checks {@code node} against {@code schema}; returns true when the subtree had no violation. */
  boolean check(String path, JsonNode node, JSONSchemaProps schema) {
    int before = violations.size();
    String type = schema.getType();
    if (type != null && !hasType(node, type)) {
      violations.add(new Violation(path, "Invalid value: " + render(node) + ": " + path + " in body must be of type "
          + type + ": \"" + jsonType(node) + "\""));
      return false;
    }
    if (node.isObject()) {
      checkObject(path, (ObjectNode) node, schema);
    } else if (node.isArray()) {
      checkArray(path, (ArrayNode) node, schema);
    } else {
      checkScalar(path, node, schema);
    }
    boolean valid = violations.size() == before;
    if (valid) {
      checkRules(path, node, schema);
    }
    return violations.size() == before;
  }

  private void checkObject(String path, ObjectNode node, JSONSchemaProps schema) {
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    if (schema.getRequired() != null) {
      for (String required : schema.getRequired()) {
        if (!node.has(required) || node.get(required).isNull()) {
          violations.add(new Violation(join(path, required), "Required value"));
        }
      }
    }
    if (properties == null) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JSONSchemaProps propertySchema = properties.get(field.getKey());
      String fieldPath = join(path, field.getKey());
      if (propertySchema == null) {
        violations.add(new Violation(fieldPath, "unknown field \"" + fieldPath + "\"" + suggestion(field.getKey(),
            properties.keySet())));
      } else if (!field.getValue().isNull()) {
        check(fieldPath, field.getValue(), propertySchema);
      }
    }
  }

  private void checkArray(String path, ArrayNode node, JSONSchemaProps schema) {
    if (schema.getMaxItems() != null && node.size() > schema.getMaxItems()) {
      violations.add(new Violation(path, "Too many: " + node.size() + ": must have at most " + schema.getMaxItems()
          + " items"));
      return;
    }
    if (schema.getMinItems() != null && node.size() < schema.getMinItems()) {
      violations.add(new Violation(path, "Invalid value: " + node.size() + ": " + path + " in body should have at"
          + " least " + schema.getMinItems() + " items"));
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      for (int i = 0; i < node.size(); i++) {
        check(path + "[" + i + "]", node.get(i), schema.getItems().getSchema());
      }
    }
  }

  private void checkScalar(String path, JsonNode node, JSONSchemaProps schema) {
    if (node.isTextual()) {
      String value = node.textValue();
      int length = value.codePointCount(0, value.length());
      if (schema.getMaxLength() != null && length > schema.getMaxLength()) {
        violations.add(new Violation(path, "Too long: may not be more than " + schema.getMaxLength() + " bytes"));
        return;
      }
      if (schema.getMinLength() != null && length < schema.getMinLength()) {
        violations.add(new Violation(path, "Invalid value: " + render(node) + ": " + path + " in body should be at"
            + " least " + schema.getMinLength() + " chars long"));
      }
      if (schema.getPattern() != null && !pattern(schema.getPattern()).matcher(value).find()) {
        violations.add(new Violation(path, "Invalid value: " + render(node) + ": " + path + " in body should match '"
            + schema.getPattern() + "'"));
      }
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      List<JsonNode> allowed = schema.getEnum().stream()
          .map(v -> (JsonNode) Serialization.jsonMapper().valueToTree(v))
          .toList();
      if (!allowed.contains(node)) {
        violations.add(new Violation(path, "Unsupported value: " + render(node) + ": supported values: "
            + allowed.stream().map(SchemaCheck::render).collect(Collectors.joining(", "))));
      }
    }
    if (node.isNumber()) {
      double value = node.doubleValue();
      if (schema.getMaximum() != null && value > schema.getMaximum()) {
        violations.add(new Violation(path, "Invalid value: " + render(node) + ": " + path + " in body should be less"
            + " than or equal to " + number(schema.getMaximum())));
      }
      if (schema.getMinimum() != null && value < schema.getMinimum()) {
        violations.add(new Violation(path, "Invalid value: " + render(node) + ": " + path + " in body should be"
            + " greater than or equal to " + number(schema.getMinimum())));
      }
    }
  }

  private void checkRules(String path, JsonNode node, JSONSchemaProps schema) {
    if (schema.getXKubernetesValidations() == null) {
      return;
    }
    for (ValidationRule rule : schema.getXKubernetesValidations()) {
      if (CelRules.isTransitionRule(rule.getRule())) {
        continue;
      }
      if (!cel.holds(rule.getRule(), CelValues.of(node, schema))) {
        String field = rule.getFieldPath() == null ? path : path + rule.getFieldPath();
        String message = rule.getMessage() != null ? rule.getMessage() : "failed rule: " + rule.getRule();
        violations.add(new Violation(field, "Invalid value: \"" + jsonType(node) + "\": " + message));
      }
    }
  }

  private Pattern pattern(String regex) {
    return patterns.computeIfAbsent(regex, Pattern::compile);
  }

  private static boolean hasType(JsonNode node, String type) {
    return switch (type) {
      case "object" -> node.isObject();
      case "array" -> node.isArray();
      case "string" -> node.isTextual();
      case "integer" -> node.isIntegralNumber() || (node.isNumber() && node.doubleValue() == Math.rint(node.doubleValue()));
      case "number" -> node.isNumber();
      case "boolean" -> node.isBoolean();
      default -> true;
    };
  }

  private static String jsonType(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case NUMBER -> node.isIntegralNumber() ? "integer" : "number";
      case BOOLEAN -> "boolean";
      default -> "null";
    };
  }

  private static String render(JsonNode node) {
    return node.isContainerNode() ? "\"" + jsonType(node) + "\"" : node.toString();
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** A near-miss name ("destinaton") is most often a typo of a known field; say which. */
  private static String suggestion(String unknown, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = Levenshtein.distance(unknown.toLowerCase(java.util.Locale.ROOT),
          candidate.toLowerCase(java.util.Locale.ROOT));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return best != null && bestDistance <= 2 ? " (did you mean \"" + best + "\"?)" : "";
  }
}
