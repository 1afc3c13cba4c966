package dev.rewind.journal.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The id range capture probes for an event already stored under the same source id, besides the unique index of
 * the event's own day partition (V7__partitioned_journal.sql): from {@link #LENGTH} before now up to the start of
 * the current UTC day. Together they recognise an event sent again for at least {@code LENGTH}, whatever the day
 * boundary, while the probe reads the previous day's partition at most.
 *
 * @param from the smallest id of the range
 * @param until the first id past it: the current day's bound
 */
public record DedupeWindow(UUID from, UUID until) {

  /** How long a source event id is recognised when sent again, at least. */
  public static final Duration LENGTH = Duration.ofDays(1);

  public static DedupeWindow at(Instant now) {
    return new DedupeWindow(Uuids.lowerBound(now.minus(LENGTH)), Uuids.lowerBound(now.truncatedTo(ChronoUnit.DAYS)));
  }
}
