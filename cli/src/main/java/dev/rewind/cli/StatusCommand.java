package dev.rewind.cli;

import dev.rewind.api.time.Durations;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.health.RouteHealth;
import dev.rewind.journal.health.RouteHealthQuery;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind status}: every route's delivery health, read from the journal store and judged exactly as the
 * operator judges it for a Route's {@code Healthy} condition ({@link HealthVerdict}), so standalone users and
 * on-call without cluster access see what {@code kubectl get routes} shows.
 */
@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Show each route's delivery health: backlog, dead events, the oldest waiting event, the last"
        + " failure. Exits 1 when a route is not healthy.")
final class StatusCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace, not only --namespace.")
  boolean allNamespaces;

  @Option(names = "--window", defaultValue = "1m", paramLabel = "DURATION",
      description = "Deliveries and deaths are counted over this window. Default: ${DEFAULT-VALUE}.")
  String window;

  @Option(names = "--backlog-age", defaultValue = "5m", paramLabel = "DURATION",
      description = "A route whose oldest waiting event is older is not healthy (Backlog). Default: ${DEFAULT-VALUE}.")
  String backlogAge;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    Duration windowLength = DurationOption.positive("--window", window);
    Duration backlogLimit = DurationOption.positive("--backlog-age", backlogAge);
    PrintWriter out = spec.commandLine().getOut();
    Instant now = Instant.now();
    List<RouteHealth> all;
    try (StoreSession session = StoreSession.open(store, spec.commandLine().getErr())) {
      all = new RouteHealthQuery(session.store().pool())
          .read(allNamespaces ? Set.of() : Set.of(store.namespace), now.minus(windowLength), now)
          .await().atMost(Duration.ofSeconds(30));
    }
    if (all.isEmpty()) {
      out.println(allNamespaces ? "No routes and no events in the journal."
          : "No routes and no events in namespace " + store.namespace + ".");
      out.flush();
      return ExitCodes.OK;
    }
    List<Output.RouteHealthRow> rows = new ArrayList<>();
    for (RouteHealth h : all) {
      HealthVerdict verdict = HealthVerdict.of(h, backlogLimit);
      rows.add(new Output.RouteHealthRow(h.namespace(), h.route(), verdict.healthy() ? "True" : "False",
          verdict.reason(), h.backlog(), h.dead(), h.oldestUndelivered() == null ? null : h.oldestAge(),
          h.deliveredSince(), h.lastFailure() == null ? null : h.lastFailure().outcome(),
          h.lastFailure() == null ? null : h.lastFailure().at(), verdict.healthy() ? null : verdict.message()));
    }
    boolean unhealthy = Output.status(out, rows, allNamespaces, Durations.format(windowLength));
    out.flush();
    return unhealthy ? ExitCodes.UNHEALTHY : ExitCodes.OK;
  }
}
