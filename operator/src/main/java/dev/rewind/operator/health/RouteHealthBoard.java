package dev.rewind.operator.health;

import dev.rewind.journal.health.RouteHealth;
import dev.rewind.operator.model.RouteHealthReading;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The leader's latest reading of every route's health, shared between the refresher that writes it and the Route
 * reconciler that turns it into status, Events and metrics. Empty on a replica that does not lead.
 */
public final class RouteHealthBoard {

  private final Duration backlogAge;
  private volatile Map<String, RouteHealthReading> readings = Map.of();
  private long refresh;

  /** @param backlogAge how long the oldest event may wait before its route is {@code Backlog} */
  public RouteHealthBoard(Duration backlogAge) {
    this.backlogAge = backlogAge;
  }

  /** The latest reading of a route, or null when it has none (not read yet, or this replica does not lead). */
  public RouteHealthReading reading(String namespace, String route) {
    return readings.get(namespace + "/" + route);
  }

  /** Every route's latest reading. */
  public Collection<RouteHealthReading> readings() {
    return readings.values();
  }

  /**
   * Replaces every reading with a new refresh's.
   *
   * @return the routes ({@code namespace/route}) whose Route should be reconciled: what the status shows changed,
   *     or events died since the last refresh (reported once, by the refresh that saw them)
   */
  public synchronized Set<String> replace(List<RouteHealth> all) {
    refresh++;
    Map<String, RouteHealthReading> next = new HashMap<>();
    Set<String> changed = new HashSet<>();
    for (RouteHealth health : all) {
      RouteHealthReading before = readings.get(health.key());
      RouteHealthReading reading = RouteHealthReading.judge(health, backlogAge, refresh, before);
      next.put(health.key(), reading);
      if (before == null || reading.newlyDead() > 0 || !shown(before).equals(shown(reading))) {
        changed.add(health.key());
      }
    }
    readings = Map.copyOf(next);
    return changed;
  }

  /** Forgets every reading: this replica stopped leading, and the next leader reads afresh. */
  public synchronized void clear() {
    readings = Map.of();
  }

  /** What the Route's status carries of a reading. */
  private static List<Object> shown(RouteHealthReading r) {
    return List.of(r.delivery(), r.verdict().healthy(), r.verdict().reason(),
        Objects.requireNonNullElse(r.verdict().message(), ""));
  }
}
