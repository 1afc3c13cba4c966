package dev.rewind.api.v1alpha1.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A Route a Flow follows, in the Flow's namespace or another. A Route of another namespace is read only when that
 * namespace lets the Flow's read it (see the Flow documentation): a flow never reads events a namespace did not share.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowRouteReference {

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Rewind.NAME_PATTERN)
  @JsonPropertyDescription("Name of the Route.")
  private String name;

  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Namespace of the Route. Default: the Flow's own.")
  private String namespace;

  public FlowRouteReference() {}

  public FlowRouteReference(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowRouteReference r && Objects.equals(name, r.name) && Objects.equals(namespace, r.namespace);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, namespace);
  }
}
