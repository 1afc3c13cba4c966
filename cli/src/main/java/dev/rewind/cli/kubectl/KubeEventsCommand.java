package dev.rewind.cli.kubectl;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.cli.EventFilterOptions;
import dev.rewind.cli.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubectl rewind events}: the journaled events of a namespace that match, through the read API. */
@Command(name = "events", sortOptions = false, mixinStandardHelpOptions = true,
    description = "List journaled events, oldest first, with where their delivery stands.")
final class KubeEventsCommand implements Callable<Integer> {

  static final int MOST = 10_000;
  static final int PAGE = 500;

  @Spec
  CommandSpec spec;

  @Mixin
  EventFilterOptions filters;

  @Option(names = "--last-outcome", paramLabel = "OUTCOME",
      description = "Only events whose last attempt ended so (503, timeout, connect-failure, ...).")
  String lastOutcome;

  @Option(names = "--sender", paramLabel = "WORKLOAD", description = "Only events sent by this workload.")
  String sender;

  @Option(names = "--limit", defaultValue = "50", paramLabel = "N",
      description = "Most events listed, 1 to " + MOST + ". Default: ${DEFAULT-VALUE}.")
  int limit;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() {
    ReadApi.EventFilter filter = filter();
    if (limit < 1 || limit > MOST) {
      throw new KubeFailures.Invalid("--limit: must be from 1 to " + MOST + ", got " + limit);
    }
    String namespace = kube.namespace();
    PrintWriter out = spec.commandLine().getOut();
    List<JournalEventView> events = new ArrayList<>();
    String next = null;
    try (KubernetesClient client = kube.client()) {
      ReadApi api = new ReadApi(client);
      do {
        EventListView page = api.events(namespace, filter, Math.min(PAGE, limit - events.size()), next);
        events.addAll(page.items().subList(0, Math.min(page.items().size(), limit - events.size())));
        next = page.continueToken();
      } while (next != null && events.size() < limit);
    }
    if (events.isEmpty()) {
      out.println("No events in namespace " + namespace + " match.");
    } else {
      Output.events(out, events.stream().map(JournalEventView::row).toList());
    }
    if (next != null) {
      out.println("More events match: raise --limit (listed " + events.size() + ").");
    }
    out.flush();
    return KubeExitCodes.OK;
  }

  ReadApi.EventFilter filter() {
    EventState state = filters.state(KubeFailures.Invalid::new);
    // Resolved here only to refuse a malformed value naming the flag; the read API resolves them itself.
    filters.since(Instant.now(), KubeFailures.Invalid::new);
    filters.until(Instant.now(), KubeFailures.Invalid::new);
    return new ReadApi.EventFilter(filters.route, state == null ? null : state.wireName(), filters.correlationId,
        filters.type, lastOutcome, sender, filters.since, filters.until);
  }
}
