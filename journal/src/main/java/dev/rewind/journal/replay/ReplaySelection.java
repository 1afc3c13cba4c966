package dev.rewind.journal.replay;

import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.journal.retry.OutcomeSelector;
import dev.rewind.journal.store.Uuids;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which events a replay matches: its selectors resolved against the moment it starts, and their SQL. Pure, so the
 * SQL is unit-tested and the same text serves the count, the dry run and the fixing of the matched set.
 *
 * <p>Every selector narrows the set (AND); a list matches any of its entries. The query always names the
 * namespace, the routes and the states first, so PostgreSQL range-scans {@code events_route_state (namespace,
 * route, state, id)}; ids are UUIDv7, so a time window is also an id range on that index.
 *
 * @param routes route names (at least one)
 * @param since inclusive lower bound on capture time, or null
 * @param until exclusive upper bound on capture time, or null
 * @param eventIds entries match an event's source id or its Rewind id (the Rewind-Event-Id header)
 * @param lastOutcomes the outcome tokens (as {@code events.last_outcome} holds them) the lastOutcome patterns
 *     select, or null for any outcome including none yet
 * @param orders with flowRef: only events of these (route, correlation id) pairs, the orders the Flow finds stopped
 *     on each route's hop (the routes and correlation ids alone would also match an order's events on another
 *     covered hop); null otherwise
 */
public record ReplaySelection(
    String namespace,
    List<String> routes,
    Instant since,
    Instant until,
    List<EventState> states,
    List<String> eventIds,
    List<String> correlationIds,
    List<String> types,
    List<String> lastOutcomes,
    String senderWorkload,
    List<FlowScope.RouteOrder> orders) {

  /** What an absent states selector means: the events live delivery gave up on or is still retrying. */
  public static final List<EventState> DEFAULT_STATES = List.of(EventState.FAILED, EventState.DEAD);

  private static final List<String> FAILURE_KINDS = List.of("timeout", "connect-failure", "tls-failure");

  /** A WHERE clause over {@code rewind.events e} and its parameters, numbered from the given first one. */
  public record Sql(String where, List<Object> params) {}

  public ReplaySelection {
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException("a replay selection needs a namespace");
    }
    if (routes == null || routes.isEmpty()) {
      throw new IllegalArgumentException("spec.routeRef, spec.routes: set one: a replay selects the events of named"
          + " routes");
    }
    routes = List.copyOf(routes);
    states = states == null || states.isEmpty() ? DEFAULT_STATES : List.copyOf(states);
    orders = orders == null ? null : List.copyOf(orders);
  }

  /**
   * Resolves a spec's selectors.
   *
   * @param reference when the replay starts: durations in since/until count back from it
   * @throws IllegalArgumentException naming the field when a selector does not parse or cannot be resolved, or
   *     when until is not later than since once both are instants
   */
  public static ReplaySelection of(String namespace, ReplaySpec spec, Instant reference) {
    return of(namespace, spec, null, reference);
  }

  /**
   * Resolves a spec's selectors; with flowRef, the scope gives the routes and the states, and {@link #withOrders}
   * the pairs once the Flow's verdict is read.
   *
   * @param flow the scope of spec.flowRef, or null without it
   */
  public static ReplaySelection of(String namespace, ReplaySpec spec, FlowScope flow, Instant reference) {
    Selectors selectors = Selectors.of(spec, reference);
    return new ReplaySelection(
        namespace,
        flow == null ? spec.routeNames() : flow.routes(),
        selectors.since(),
        selectors.until(),
        flow == null ? spec.getStates() : flow.states(),
        spec.getEventIds(),
        spec.getCorrelationIds(),
        spec.getTypes(),
        selectors.lastOutcomes(),
        spec.getSenderWorkload(),
        null);
  }

  /**
   * Checks the selectors that are resolved against the start (since, until, lastOutcome) alone, before whatever
   * names the routes is looked at.
   *
   * @throws IllegalArgumentException as {@link #of(String, ReplaySpec, Instant)} does for them
   */
  public static void checkSelectors(ReplaySpec spec, Instant reference) {
    Selectors.of(spec, reference);
  }

  /** The selectors resolved against the start. */
  private record Selectors(Instant since, Instant until, List<String> lastOutcomes) {

    static Selectors of(ReplaySpec spec, Instant reference) {
      Instant since = instant("since", spec.getSince(), reference);
      Instant until = instant("until", spec.getUntil(), reference);
      // The CRD compares two timestamps or two durations; a timestamp and a duration can only be compared once the
      // duration is resolved, here, against the start.
      if (since != null && until != null && !until.isAfter(since)) {
        throw new IllegalArgumentException("spec.until: " + spec.getUntil() + " (" + until + ") is not later than"
            + " spec.since " + spec.getSince() + " (" + since + "); durations count back from the start of the"
            + " replay, " + reference);
      }
      return new Selectors(since, until,
          spec.getLastOutcome() == null ? null : outcomeTokens(spec.getLastOutcome()));
    }
  }

  /** This selection narrowed to the (route, correlation id) pairs of the orders a Flow finds stopped. */
  public ReplaySelection withOrders(List<FlowScope.RouteOrder> stopped) {
    return new ReplaySelection(namespace, routes, since, until, states, eventIds, correlationIds, types,
        lastOutcomes, senderWorkload, stopped);
  }

  /**
   * Resolves since or until. Any failure of it is the spec's: besides a value that does not parse, one the API
   * server's pattern lets through can still fail to resolve (an ArithmeticException from more hours than a
   * Duration holds), so every RuntimeException of this step becomes the field's IllegalArgumentException: the
   * replay is refused naming the field, not retried as if the store had failed.
   */
  private static Instant instant(String field, String value, Instant reference) {
    try {
      return InstantOrAgo.resolve(value, reference);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("spec." + field + ": " + describe(value, e), e);
    }
  }

  private static String describe(String value, RuntimeException e) {
    return e instanceof IllegalArgumentException ? e.getMessage()
        : "\"" + value + "\" cannot be resolved to an instant (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
  }

  /**
   * Every outcome token the patterns select, by asking the same {@link OutcomeSelector} retryOn uses: a class or
   * range becomes the status codes in it, so the store compares plain text and the two languages cannot drift.
   */
  static List<String> outcomeTokens(List<String> patterns) {
    OutcomeSelector selector;
    try {
      selector = OutcomeSelector.of(patterns);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("spec.lastOutcome: " + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
    List<String> tokens = new ArrayList<>();
    for (int code = 100; code <= 599; code++) {
      String token = Integer.toString(code);
      if (selector.matches(token)) {
        tokens.add(token);
      }
    }
    for (String kind : FAILURE_KINDS) {
      if (selector.matches(kind)) {
        tokens.add(kind);
      }
    }
    return tokens;
  }

  /** The selection as SQL over {@code rewind.events e}, parameters numbered from {@code $firstParam}. */
  public Sql toSql(int firstParam) {
    Params p = new Params(firstParam);
    StringBuilder where = new StringBuilder();
    where.append("e.namespace = ").append(p.add(namespace));
    where.append(" AND e.route = ANY(").append(p.add(routes.toArray(String[]::new))).append("::text[])");
    where.append(" AND e.state = ANY(").append(p.add(states.stream().map(EventState::wireName)
        .toArray(String[]::new))).append("::text[])");
    if (since != null) {
      // The id bound lets the index range-scan; received_at is the exact rule (UUIDv7 ids carry the capture
      // millisecond, so the id bound never excludes an event the time bound keeps).
      where.append(" AND e.id >= ").append(p.add(Uuids.lowerBound(since)));
      where.append(" AND e.received_at >= ").append(p.add(since.atOffset(ZoneOffset.UTC)));
    }
    if (until != null) {
      where.append(" AND e.id < ").append(p.add(Uuids.lowerBound(until.plusMillis(1))));
      where.append(" AND e.received_at < ").append(p.add(until.atOffset(ZoneOffset.UTC)));
    }
    if (eventIds != null) {
      List<UUID> uuids = new ArrayList<>();
      for (String id : eventIds) {
        try {
          uuids.add(UUID.fromString(id));
        } catch (IllegalArgumentException notAUuid) {
          // Only a source id, then: it is matched against event_id alone.
        }
      }
      where.append(" AND (e.event_id = ANY(").append(p.add(eventIds.toArray(String[]::new))).append("::text[])")
          .append(" OR e.id = ANY(").append(p.add(uuids.toArray(UUID[]::new))).append("::uuid[]))");
    }
    if (correlationIds != null) {
      where.append(" AND e.correlation_id = ANY(").append(p.add(correlationIds.toArray(String[]::new)))
          .append("::text[])");
    }
    if (types != null) {
      where.append(" AND e.event_type = ANY(").append(p.add(types.toArray(String[]::new))).append("::text[])");
    }
    if (lastOutcomes != null) {
      where.append(" AND e.last_outcome = ANY(").append(p.add(lastOutcomes.toArray(String[]::new)))
          .append("::text[])");
    }
    if (senderWorkload != null) {
      where.append(" AND e.sender_workload = ").append(p.add(senderWorkload));
    }
    if (orders != null) {
      where.append(" AND (e.route, e.correlation_id) IN (SELECT * FROM unnest(")
          .append(p.add(orders.stream().map(FlowScope.RouteOrder::route).toArray(String[]::new)))
          .append("::text[], ")
          .append(p.add(orders.stream().map(FlowScope.RouteOrder::correlationId).toArray(String[]::new)))
          .append("::text[]))");
    }
    return new Sql(where.toString(), List.copyOf(p.values));
  }

  private static final class Params {
    private final int first;
    private final List<Object> values = new ArrayList<>();

    Params(int first) {
      this.first = first;
    }

    String add(Object value) {
      values.add(value);
      return "$" + (first + values.size() - 1);
    }
  }
}
