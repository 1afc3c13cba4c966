package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowChecks;
import dev.rewind.api.v1alpha1.flow.FlowHop;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.flow.FlowRoutes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Reads the Routes a Flow's hops name from the API server and resolves the Flow against them: for the Flow's own
 * evaluation and for a Replay's flowRef, so both judge a Flow alike. Read, not cached: hops may be in namespaces no
 * informer watches.
 */
final class FlowRouteReader {

  private static final Logger LOG = Logger.getLogger(FlowRouteReader.class);

  private FlowRouteReader() {}

  /** The Flow resolved against the Routes of its hops as they are now. */
  static FlowRoutes read(KubernetesClient client, Flow flow) {
    return FlowRoutes.resolve(flow, routes(client, flow));
  }

  /** The Routes the hops name that exist and can be read, by {@code namespace/name}. */
  private static Map<String, Route> routes(KubernetesClient client, Flow flow) {
    Map<String, Route> routes = new HashMap<>();
    if (flow.getSpec() == null || flow.getSpec().getHops() == null) {
      return routes;
    }
    for (FlowHop hop : flow.getSpec().getHops()) {
      if (hop == null || hop.getRouteRef() == null || hop.getRouteRef().getName() == null) {
        continue;
      }
      String key = FlowChecks.route(hop, flow.getMetadata().getNamespace());
      String namespace = FlowChecks.namespace(hop, flow.getMetadata().getNamespace());
      try {
        Route route = client.resources(Route.class).inNamespace(namespace).withName(hop.getRouteRef().getName())
            .get();
        if (route != null) {
          routes.put(key, route);
        }
      } catch (KubernetesClientException e) {
        // Forbidden: a namespace the operator does not watch. The Route then counts as not found, which says so.
        LOG.debugf(e, "%s: cannot read Route %s", flow.getMetadata().getNamespace() + "/" + flow.getMetadata().getName(), key);
      }
    }
    return routes;
  }
}
