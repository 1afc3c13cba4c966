package dev.rewind.cli.kubectl;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.cli.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl rewind status}: each Route's delivery health as the operator last judged it (its Healthy
 * condition and status.delivery), in the table {@code rewind status} prints.
 */
@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Show each Route's delivery health: backlog, dead events, the oldest waiting event, the last"
        + " failure, as the operator last observed them. Exits 1 when a Route is not healthy.")
final class KubeStatusCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace, not only --namespace.")
  boolean allNamespaces;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Route> routes;
    String namespace = allNamespaces ? null : kube.namespace();
    try (KubernetesClient client = kube.client()) {
      routes = (allNamespaces ? client.resources(Route.class).inAnyNamespace().list()
          : client.resources(Route.class).inNamespace(namespace).list()).getItems();
    }
    if (routes.isEmpty()) {
      out.println(allNamespaces ? "No Routes." : "No Routes in namespace " + namespace + ".");
      out.flush();
      return KubeExitCodes.OK;
    }
    Instant now = Instant.now();
    List<Output.RouteHealthRow> rows = routes.stream()
        .sorted(Comparator.comparing((Route r) -> r.getMetadata().getNamespace())
            .thenComparing(r -> r.getMetadata().getName()))
        .map(r -> row(r, now)).toList();
    String window = routes.stream().map(r -> r.getStatus() == null || r.getStatus().getDelivery() == null ? null
        : r.getStatus().getDelivery().getWindow()).filter(Objects::nonNull).findFirst().orElse("1m");
    boolean unhealthy = Output.status(out, rows, allNamespaces, window);
    out.flush();
    return unhealthy ? KubeExitCodes.FAILED : KubeExitCodes.OK;
  }

  /**
   * One Route's line: HEALTHY is its Healthy condition's status (Unknown before the operator judged it), and the
   * Route is a problem only when that is False.
   */
  static Output.RouteHealthRow row(Route route, Instant now) {
    RouteStatus status = route.getStatus();
    Condition healthy = status == null || status.getConditions() == null ? null : status.getConditions().stream()
        .filter(c -> RouteStatus.HEALTHY.equals(c.getType())).findFirst().orElse(null);
    RouteDelivery delivery = status == null ? null : status.getDelivery();
    String verdict = healthy == null || healthy.getStatus() == null ? "Unknown" : healthy.getStatus();
    Instant oldest = delivery == null ? null : instant(delivery.getOldestUndeliveredTime());
    RouteDelivery.LastFailure failure = delivery == null ? null : delivery.getLastFailure();
    return new Output.RouteHealthRow(route.getMetadata().getNamespace(), route.getMetadata().getName(), verdict,
        healthy == null ? null : healthy.getReason(), delivery == null ? null : delivery.getBacklog(),
        delivery == null ? null : delivery.getDead(),
        oldest == null ? null : Duration.between(oldest, now).isNegative() ? Duration.ZERO
            : Duration.between(oldest, now),
        delivery == null ? null : delivery.getDeliveredRecently(), failure == null ? null : failure.getOutcome(),
        failure == null ? null : instant(failure.getTime()),
        "False".equals(verdict) ? (healthy.getMessage() == null ? healthy.getReason() : healthy.getMessage()) : null);
  }

  private static Instant instant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
