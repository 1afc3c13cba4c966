package dev.rewind.api.time;

import java.time.Instant;

/**
 * Whether a Replay's since and until describe a non-empty window. Admission compares them only when both are
 * timestamps or both durations; a timestamp against a duration depends on when the replay starts, so the replay
 * checks it then, with this function.
 */
public final class TimeWindow {

  private TimeWindow() {}

  /**
   * @param since spec.since, or null for no lower bound
   * @param until spec.until, or null for no upper bound
   * @param reference the instant durations count back from (the replay's start)
   * @return what is wrong, naming the field ({@code spec.since} or {@code spec.until}), or null when since is
   *     earlier than until (events are selected from since, inclusive, to until, exclusive)
   */
  public static String problem(String since, String until, Instant reference) {
    String sinceProblem = fieldProblem("spec.since", since, DurationLimits.SINCE);
    if (sinceProblem != null) {
      return sinceProblem;
    }
    String untilProblem = fieldProblem("spec.until", until, DurationLimits.UNTIL);
    if (untilProblem != null) {
      return untilProblem;
    }
    if (since == null || until == null) {
      return null;
    }
    Instant from = InstantOrAgo.resolve(since, reference);
    Instant to = InstantOrAgo.resolve(until, reference);
    if (!to.isAfter(from)) {
      return "spec.until must be later than spec.since: until " + until + " is " + to + ", since " + since + " is "
          + from + (Durations.isDuration(since) || Durations.isDuration(until)
              ? " (durations count back from " + reference + ")" : "");
    }
    return null;
  }

  private static String fieldProblem(String field, String text, DurationLimits.Bound bound) {
    if (text == null) {
      return null;
    }
    if (!InstantOrAgo.isInstantOrAgo(text)) {
      return field + ": \"" + text + "\" is neither " + Timestamps.SYNTAX + ", nor a duration back from the"
          + " replay's start: " + Durations.SYNTAX;
    }
    if (Durations.isDuration(text)) {
      String problem = bound.problem(Durations.parse(text));
      return problem == null ? null : "spec." + problem;
    }
    return null;
  }
}
