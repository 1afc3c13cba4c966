package dev.rewind.cli.kubectl;

import dev.rewind.api.time.DurationLimits;
import dev.rewind.api.time.Durations;
import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The flags of {@code kubectl rewind replay} and the Replay they make. Everything the API server would refuse is
 * refused here first, naming the flag, so a mistake costs no round trip and reads in the user's own terms.
 */
final class ReplayFlags {

  private static final Pattern NAME = Pattern.compile(Rewind.NAME_PATTERN);
  private static final Pattern LAST_OUTCOME = Pattern.compile(ReplaySpec.LAST_OUTCOME_PATTERN);
  private static final DateTimeFormatter GENERATED_NAME =
      DateTimeFormatter.ofPattern("'replay-'yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Option(names = "--route", paramLabel = "ROUTE",
      description = "Replay this Route's events (repeatable: several Routes). Not with --flow.")
  List<String> routes = new ArrayList<>();

  @Option(names = "--flow", paramLabel = "FLOW",
      description = "Replay the orders this Flow finds stopped: broken (default) or failed, see --flow-state.")
  String flow;

  @Option(names = "--flow-state", paramLabel = "broken|failed",
      description = "With --flow: broken (a hop delivered, the next never captured; the delivering hop's events"
          + " are sent again) or failed (a hop gave up; its dead events are sent again). Default: broken.")
  String flowState;

  @Option(names = "--hop", paramLabel = "N",
      description = "With --flow: only orders stopped at this hop (0 is the first).")
  Integer hop;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only events in this state (repeatable): pending, delivering, delivered, failed, dead."
          + " Default: failed and dead. Not with --flow.")
  List<String> states = new ArrayList<>();

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only events captured at or after this instant: RFC 3339 or a duration ago (2h).")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "Only events captured before this instant.")
  String until;

  @Option(names = "--correlation-id", paramLabel = "ID", description = "Only events with this correlation id"
      + " (repeatable).")
  List<String> correlationIds = new ArrayList<>();

  @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type (repeatable).")
  List<String> types = new ArrayList<>();

  @Option(names = "--event-id", paramLabel = "ID", description = "Only the event with this id (repeatable).")
  List<String> eventIds = new ArrayList<>();

  @Option(names = "--last-outcome", paramLabel = "OUTCOME",
      description = "Only events whose last attempt ended so (repeatable): 503, 5xx, 500-504, connect-failure,"
          + " timeout, tls-failure.")
  List<String> lastOutcomes = new ArrayList<>();

  @Option(names = "--sender", paramLabel = "WORKLOAD", description = "Only events sent by this workload.")
  String sender;

  @Option(names = "--retry-policy", paramLabel = "POLICY",
      description = "The RetryPolicy for the replay's attempts. Default: each event's Route's.")
  String retryPolicy;

  @Option(names = "--rate-limit", paramLabel = "N",
      description = "Most events started per second; 0 means unlimited. Default: the CRD's, 100.")
  Integer rateLimit;

  @Option(names = "--concurrency", paramLabel = "N", description = "Most attempts in flight. Default: 16.")
  Integer concurrency;

  @Option(names = "--max-events", paramLabel = "N",
      description = "Fail rather than replay more than N events. Default: the CRD's, 10000.")
  Integer maxEvents;

  @Option(names = "--dry-run", description = "Only count the matching events (phase Previewed); deliver nothing.")
  boolean dryRun;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The Replay's name. Default: replay-<yyyyMMdd-HHmmss> (UTC).")
  String name;

  /** The Replay these flags ask for, in {@code namespace}; {@code clock} names it when --name is not given. */
  Replay toReplay(String namespace, Clock clock) {
    Instant now = clock.instant();
    ReplaySpec spec = new ReplaySpec();
    selection(spec);
    window(spec, now);
    spec.setCorrelationIds(strings("--correlation-id", correlationIds, 1000, 256));
    spec.setTypes(strings("--type", types, 100, 256));
    spec.setEventIds(strings("--event-id", eventIds, 1000, 256));
    List<String> outcomes = strings("--last-outcome", lastOutcomes, 32, 15);
    if (outcomes != null) {
      outcomes.forEach(o -> require(LAST_OUTCOME.matcher(o).matches(), "--last-outcome", "\"" + o + "\" is not a"
          + " status code (503), class (5xx), range (500-504), connect-failure, timeout or tls-failure"));
    }
    spec.setLastOutcome(outcomes);
    if (sender != null) {
      spec.setSenderWorkload(name("--sender", sender, "workload"));
    }
    if (retryPolicy != null) {
      ReplayOverride override = new ReplayOverride();
      override.setRetryPolicyRef(new LocalObjectReference(name("--retry-policy", retryPolicy, "RetryPolicy")));
      spec.setOverride(override);
    }
    spec.setRateLimit(range("--rate-limit", rateLimit, 0, 100_000, " (0 means unlimited)"));
    spec.setConcurrency(range("--concurrency", concurrency, 1, 256, ""));
    spec.setMaxEvents(range("--max-events", maxEvents, 1, 10_000_000, ""));
    if (dryRun) {
      spec.setDryRun(true);
    }
    Replay replay = new Replay();
    replay.setMetadata(new ObjectMetaBuilder()
        .withName(name == null ? GENERATED_NAME.format(now) : name("--name", name, "Replay"))
        .withNamespace(namespace)
        .build());
    replay.setSpec(spec);
    return replay;
  }

  /** Exactly one of --route and --flow, and what goes with each. */
  private void selection(ReplaySpec spec) {
    if (flow == null) {
      require(!routes.isEmpty(), "--route", "say which events to replay: --route ROUTE (repeatable), or --flow FLOW");
      require(flowState == null, "--flow-state", "only with --flow");
      require(hop == null, "--hop", "only with --flow");
      LinkedHashSet<String> names = new LinkedHashSet<>();
      routes.forEach(r -> names.add(name("--route", r, "Route")));
      require(names.size() <= 32, "--route", "at most 32 routes, got " + names.size());
      spec.setRoutes(List.copyOf(names));
      if (!states.isEmpty()) {
        LinkedHashSet<EventState> parsed = new LinkedHashSet<>();
        states.forEach(s -> parsed.add(state(s)));
        spec.setStates(List.copyOf(parsed));
      }
      return;
    }
    require(routes.isEmpty(), "--flow", "cannot be combined with --route: the Flow's hops are the routes replayed");
    require(states.isEmpty(), "--state", "cannot be combined with --flow: the Flow's verdict chooses the events"
        + " (--flow-state broken|failed)");
    ReplayFlowReference.FlowState chosen = null;
    if (flowState != null) {
      chosen = switch (flowState.toLowerCase(Locale.ROOT)) {
        case "broken" -> ReplayFlowReference.FlowState.BROKEN;
        case "failed" -> ReplayFlowReference.FlowState.FAILED;
        default -> throw new KubeFailures.Invalid("--flow-state: \"" + flowState + "\" is not broken or failed");
      };
    }
    if (hop != null) {
      range("--hop", hop, 0, ReplayFlowReference.MOST_HOPS - 1, "");
    }
    spec.setFlowRef(new ReplayFlowReference(name("--flow", flow, "Flow"), chosen, hop));
  }

  /** --since and --until: each in the CRD's grammar and bounds, and since before until. */
  private void window(ReplaySpec spec, Instant now) {
    Instant from = instant("--since", since, DurationLimits.SINCE, now);
    Instant to = instant("--until", until, DurationLimits.UNTIL, now);
    require(from == null || to == null || to.isAfter(from), "--until", "must be later than --since");
    spec.setSince(since);
    spec.setUntil(until);
  }

  private static Instant instant(String flag, String value, DurationLimits.Bound bound, Instant now) {
    if (value == null) {
      return null;
    }
    if (!InstantOrAgo.isInstantOrAgo(value)) {
      try {
        InstantOrAgo.resolve(value, now);
      } catch (IllegalArgumentException e) {
        throw new KubeFailures.Invalid(flag + ": " + e.getMessage());
      }
    }
    if (Durations.isDuration(value)) {
      String problem = bound.problem(Durations.parse(value));
      require(problem == null, flag, String.valueOf(problem).replaceFirst("^(since|until), as a duration, ", ""));
    }
    return InstantOrAgo.resolve(value, now);
  }

  private static EventState state(String value) {
    try {
      return EventState.fromWire(value.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new KubeFailures.Invalid("--state: \"" + value + "\" is not one of pending, delivering, delivered,"
          + " failed, dead");
    }
  }

  private static String name(String flag, String value, String what) {
    require(value.length() <= 253 && NAME.matcher(value).matches(), flag, "\"" + value + "\" is not a valid "
        + what + " name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)");
    return value;
  }

  private static List<String> strings(String flag, List<String> values, int most, int longest) {
    if (values.isEmpty()) {
      return null;
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>(values);
    require(distinct.size() <= most, flag, "at most " + most + " values, got " + distinct.size());
    distinct.forEach(v -> require(!v.isEmpty() && v.length() <= longest, flag,
        "\"" + v + "\" must be 1 to " + longest + " characters"));
    return List.copyOf(distinct);
  }

  private static Integer range(String flag, Integer value, int min, int max, String note) {
    if (value != null) {
      require(value >= min && value <= max, flag, "must be from " + min + " to " + max + note + ", got " + value);
    }
    return value;
  }

  private static void require(boolean ok, String flag, String problem) {
    if (!ok) {
      throw new KubeFailures.Invalid(flag + ": " + problem);
    }
  }
}
