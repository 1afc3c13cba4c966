package dev.rewind.api.v1alpha1.flow;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** One hop of a Flow: the Route its events are captured under. */
public class FlowHop {

  @Required
  @JsonPropertyDescription("The Route of this hop.")
  private FlowRouteReference routeRef;

  public FlowHop() {}

  public FlowHop(FlowRouteReference routeRef) {
    this.routeRef = routeRef;
  }

  public FlowRouteReference getRouteRef() {
    return routeRef;
  }

  public void setRouteRef(FlowRouteReference routeRef) {
    this.routeRef = routeRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowHop h && Objects.equals(routeRef, h.routeRef);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(routeRef);
  }
}
