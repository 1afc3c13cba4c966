package dev.rewind.api.manifest;

/**
 * One thing wrong with one object: the field path as Kubernetes prints it ({@code spec.backoff.multiplier}) and
 * what is wrong with it.
 */
public record Violation(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
