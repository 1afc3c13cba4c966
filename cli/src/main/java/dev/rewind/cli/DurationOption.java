package dev.rewind.cli;

import dev.rewind.api.time.Durations;
import java.time.Duration;

/** A duration given on the command line, in the grammar of the YAML's durations; a bad one names its option. */
final class DurationOption {

  private DurationOption() {}

  static Duration parse(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new Failures.Invalid(option + ": " + e.getMessage());
    }
  }

  /** As {@link #parse}, and more than 0s. */
  static Duration positive(String option, String value) {
    Duration d = parse(option, value);
    if (d.isZero()) {
      throw new Failures.Invalid(option + ": must be more than 0s");
    }
    return d;
  }
}
