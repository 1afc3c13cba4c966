package dev.rewind.cli;

import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The event filters {@code rewind events} (against the store) and {@code kubectl rewind events} (through the read
 * API) share, with the same names, help and checks, so the two listings take the same flags.
 */
public final class EventFilterOptions {

  @Option(names = "--route", paramLabel = "ROUTE", description = "Only events of this Route.")
  public String route;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only events in this state: pending, delivering, delivered, failed, dead.")
  public String state;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only events captured at or after this instant: RFC 3339 or a duration ago (2h).")
  public String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "Only events captured before this instant.")
  public String until;

  @Option(names = "--correlation-id", paramLabel = "ID", description = "Only events with this correlation id.")
  public String correlationId;

  @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type.")
  public String type;

  /**
   * The state asked for, or null.
   *
   * @param invalid the command's refusal of a flag, given a message naming it
   */
  public EventState state(Function<String, RuntimeException> invalid) {
    if (state == null) {
      return null;
    }
    try {
      return EventState.fromWire(state.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid.apply("--state: \"" + state + "\" is not one of pending, delivering, delivered, failed, dead");
    }
  }

  /** --since resolved against {@code now}, or null; refused naming the flag when it does not parse. */
  public Instant since(Instant now, Function<String, RuntimeException> invalid) {
    return instant("--since", since, now, invalid);
  }

  /** --until resolved against {@code now}, or null; refused naming the flag when it does not parse. */
  public Instant until(Instant now, Function<String, RuntimeException> invalid) {
    return instant("--until", until, now, invalid);
  }

  private static Instant instant(String flag, String value, Instant now, Function<String, RuntimeException> invalid) {
    try {
      return InstantOrAgo.resolve(value, now);
    } catch (IllegalArgumentException e) {
      throw invalid.apply(flag + ": " + e.getMessage());
    }
  }
}
