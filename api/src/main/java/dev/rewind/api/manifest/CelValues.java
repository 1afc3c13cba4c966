package dev.rewind.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a JSON value into the CEL value the API server would bind to {@code self}: the schema decides the
 * type, so a {@code number} written as {@code 2} is the double 2.0, as it is in the cluster.
 */
final class CelValues {

  private CelValues() {}

  static Object of(JsonNode node, JSONSchemaProps schema) {
    String type = schema == null ? null : schema.getType();
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JSONSchemaProps fieldSchema = schema == null || schema.getProperties() == null
            ? null : schema.getProperties().get(field.getKey());
        if (!field.getValue().isNull()) {
          map.put(field.getKey(), of(field.getValue(), fieldSchema));
        }
      }
      return map;
    }
    if (node.isArray()) {
      JSONSchemaProps items = schema == null || schema.getItems() == null ? null : schema.getItems().getSchema();
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(of(item, items)));
      return list;
    }
    if (node.isNumber()) {
      return "number".equals(type) ? (Object) node.doubleValue() : (Object) node.longValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }
}
