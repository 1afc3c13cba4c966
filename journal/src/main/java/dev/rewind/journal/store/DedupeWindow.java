package dev.rewind.journal.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The id range capture probes for an event already stored under the same source id, besides the unique index of
 * the live leaf of the event's own day (V7__partitioned_journal.sql, V8__died_events_apart.sql): from
 * {@link #LENGTH} before now up to the end of the current UTC day, so that it covers the previous day's leaves and
 * today's died leaf (where an event that died has moved, out of the unique index's reach). Together they recognise
 * an event sent again for at least {@code LENGTH}, whatever the day boundary, while the probe reads two days'
 * partitions at most.
 *
 * @param from the smallest id of the range
 * @param until the first id past it: the next day's bound
 */
public record DedupeWindow(UUID from, UUID until) {

  /** How long a source event id is recognised when sent again, at least. */
  public static final Duration LENGTH = Duration.ofDays(1);

  public static DedupeWindow at(Instant now) {
    Instant tomorrow = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    return new DedupeWindow(Uuids.lowerBound(now.minus(LENGTH)), Uuids.lowerBound(tomorrow));
  }
}
