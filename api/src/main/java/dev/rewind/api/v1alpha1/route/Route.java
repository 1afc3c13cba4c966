package dev.rewind.api.v1alpha1.route;

import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Where captured events of one integration hop go, and how they are captured. Sidecars in the Route's namespace
 * serve it; the operator publishes its resolved form (with its RetryPolicy) to the journal store.
 */
@Group(Rewind.GROUP)
@Version(Rewind.VERSION)
@ShortNames("rwr")
@Categories(Rewind.CATEGORY)
@AdditionalPrinterColumn(name = "Destination", jsonPath = ".spec.destination.url", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Policy", jsonPath = ".spec.retryPolicyRef.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Healthy", jsonPath = ".status.conditions[?(@.type==\"Healthy\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Backlog", jsonPath = ".status.delivery.backlog", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Dead", jsonPath = ".status.delivery.dead", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Oldest", jsonPath = ".status.delivery.oldestUndeliveredTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Healthy\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Route extends CustomResource<RouteSpec, RouteStatus> implements Namespaced {

  public static final String KIND = "Route";

  // Overridden only to mark spec required in the generated schema: an object without spec would otherwise be
  // stored and silently do nothing.
  @Override
  @Required
  public RouteSpec getSpec() {
    return super.getSpec();
  }
}
