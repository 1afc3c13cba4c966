package dev.rewind.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a journaled event stands. The journal moves an event along
 * {@code pending → delivering → delivered | failed → (delivering → …) → dead}.
 */
public enum EventState {
  /** Journaled, not yet attempted. */
  PENDING,
  /** An attempt is under way; a worker holds a lease on the event. */
  DELIVERING,
  /** The destination accepted the event. Terminal. */
  DELIVERED,
  /** The last attempt failed and another one is scheduled. */
  FAILED,
  /** The retry policy gave up (attempts or age exhausted, or a non-retryable answer). Terminal until replayed. */
  DEAD;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EventState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
