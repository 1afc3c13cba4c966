package dev.rewind.cli.kubectl;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pause} and {@code resume}: set a Route's {@code spec.paused} with a JSON merge patch of that one field (so
 * it never overwrites a change someone else made to the Route meanwhile), with the user's own credentials: RBAC
 * decides who may pause.
 */
abstract class RoutePause implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "ROUTE", description = "The Route's name.")
  String route;

  @Mixin
  KubeOptions kube;

  /** The value this command sets. */
  abstract boolean paused();

  @Override
  public Integer call() {
    return set(kube, route, paused(), spec.commandLine().getOut());
  }

  private static int set(KubeOptions kube, String route, boolean paused, PrintWriter out) {
    String namespace = kube.namespace();
    try (KubernetesClient client = kube.client()) {
      var resource = client.resources(Route.class).inNamespace(namespace).withName(route);
      Route current = resource.get();
      if (current == null) {
        throw new KubeFailures.Refused("route " + route + " not found in namespace " + namespace
            + " (kubectl get routes.rewind.dev -n " + namespace + " lists them)");
      }
      boolean was = current.getSpec() != null && Boolean.TRUE.equals(current.getSpec().getPaused());
      if (was != paused) {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"paused\":" + paused + "}}");
      }
      out.println(message(namespace, route, paused, was, held(current)));
      out.flush();
      return KubeExitCodes.OK;
    }
  }

  /** What the change means for the Route's events, worded for on-call. */
  static String message(String namespace, String route, boolean paused, boolean was, Long held) {
    String name = "route.rewind.dev/" + route + " (namespace " + namespace + ")";
    if (paused) {
      return name + (was ? " was already paused" : " paused") + ": its events are journaled and held, not"
          + " attempted, no retry spent; kubectl rewind resume " + route + " delivers them, oldest first.";
    }
    String waiting = held == null || held == 0 ? "" : " (" + held + " held when last observed)";
    return name + (was ? " resumed: held events" + waiting + " go out, oldest first."
        : " is not paused: nothing to resume.");
  }

  private static Long held(Route route) {
    RouteDelivery delivery = route.getStatus() == null ? null : route.getStatus().getDelivery();
    return delivery == null ? null : delivery.getHeld();
  }
}
