package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The HTTP endpoint captured events are delivered to. */
public class Destination {

  @Required
  @Size(min = 1, max = 2048)
  @ValidationRule(
      value = "self.matches('^https?://[^/?#@\\\\s]+([/?#][^\\\\s]*)?$')",
      message = "destination.url must be an absolute http or https URL with a host, for example"
          + " http://service-b.orders.svc:8080/orders")
  @JsonPropertyDescription(
      "Absolute http or https URL events are delivered to. For explicit capture (POST /v1/routes/{route}/suffix)"
          + " the suffix is appended to this path. Hosts in blocked ranges (link-local, cloud metadata addresses)"
          + " are refused.")
  private String url;

  public Destination() {}

  public Destination(String url) {
    this.url = url;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Destination d && Objects.equals(url, d.url);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(url);
  }
}
