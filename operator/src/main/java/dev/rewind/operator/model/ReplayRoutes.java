package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Whether a Pending replay may start: the engine takes its routes from what the operator published to the store,
 * and refuses a replay whose route is not there, for good (a replay is a one-shot request). A Route applied
 * together with the Replay may simply not be published yet; starting then would refuse a replay that was right.
 * So a replay waits while one of its Routes exists but was never published; a name with no Route at all is left to
 * the engine, which refuses it naming the field.
 */
public final class ReplayRoutes {

  private ReplayRoutes() {}

  /**
   * @param names the routes the replay names
   * @param lookup the Route of that name in the replay's namespace, or null when there is none
   * @return why the replay should wait, naming each such Route and what its status says, or null to start now
   */
  public static String waitingFor(List<String> names, Function<String, Route> lookup) {
    List<String> waiting = new ArrayList<>();
    for (String name : names) {
      Route route = lookup.apply(name);
      if (route == null) {
        continue;
      }
      RouteStatus status = route.getStatus();
      if (status == null || status.getPublishedGeneration() == null) {
        waiting.add("Route " + name + " is not published yet" + readiness(status));
      }
    }
    return waiting.isEmpty() ? null : "waiting for its routes: " + String.join("; ", waiting);
  }

  private static String readiness(RouteStatus status) {
    if (status == null || status.getConditions() == null) {
      return "";
    }
    return status.getConditions().stream()
        .filter(c -> RouteStatus.READY.equals(c.getType()) && !"True".equals(c.getStatus()))
        .findFirst()
        .map(ReplayRoutes::describe)
        .orElse("");
  }

  private static String describe(Condition c) {
    return " (Ready " + c.getStatus() + ", " + c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage())
        + ")";
  }
}
