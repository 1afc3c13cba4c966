package dev.rewind.operator.testing;

import dev.rewind.api.v1alpha1.route.Route;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The Kubernetes Events recorded about one Route, as {@code kubectl describe route} lists them. */
public final class RouteEvents {

  private RouteEvents() {}

  public static List<Event> of(KubernetesClient client, String namespace, String route) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> Route.KIND.equals(e.getInvolvedObject().getKind())
            && route.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  public static List<String> reasons(KubernetesClient client, String namespace, String route) {
    return of(client, namespace, route).stream().map(Event::getReason).toList();
  }
}
