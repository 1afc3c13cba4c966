package dev.rewind.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * Where a value of a captured request is read from: one request header, or one JSON pointer into a JSON body.
 */
@ValidationRule(
    value = "has(self.header) != has(self.jsonPointer)",
    message = "set exactly one of header or jsonPointer")
public class ValueSource {

  @Size(min = 1, max = 128)
  @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
  @JsonPropertyDescription(
      "Name of the request header that carries the value (case-insensitive), for example ce-id, webhook-id or"
          + " Idempotency-Key.")
  private String header;

  @Size(min = 1, max = 256)
  @Pattern("^(/([^~/]|~[01])*)+$")
  @JsonPropertyDescription(
      "RFC 6901 JSON pointer into a JSON request body, for example /id or /order/id. A body that is not JSON, or"
          + " a pointer that does not resolve to a string or number, yields no value.")
  private String jsonPointer;

  public ValueSource() {}

  public static ValueSource header(String name) {
    ValueSource s = new ValueSource();
    s.setHeader(name);
    return s;
  }

  public static ValueSource jsonPointer(String pointer) {
    ValueSource s = new ValueSource();
    s.setJsonPointer(pointer);
    return s;
  }

  public String getHeader() {
    return header;
  }

  public void setHeader(String header) {
    this.header = header;
  }

  public String getJsonPointer() {
    return jsonPointer;
  }

  public void setJsonPointer(String jsonPointer) {
    this.jsonPointer = jsonPointer;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueSource other
        && Objects.equals(header, other.header)
        && Objects.equals(jsonPointer, other.jsonPointer);
  }

  @Override
  public int hashCode() {
    return Objects.hash(header, jsonPointer);
  }
}
