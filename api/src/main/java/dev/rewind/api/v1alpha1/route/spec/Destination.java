package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The HTTP endpoint captured events are delivered to. */
public class Destination {

  @Required
  @Size(min = 1, max = DestinationUrls.MAX_LENGTH)
  @ValidationRule(value = DestinationUrls.RULE, message = DestinationUrls.MESSAGE)
  @JsonPropertyDescription(
      "Absolute http or https URL events are delivered to, at most 2048 characters: a host name of letters,"
          + " digits, dots and hyphens (the last label starting with a letter), an IPv4 address or a bracketed"
          + " IPv6 literal; an optional port from 1 to 65535; no user name or password. For explicit capture"
          + " (POST /v1/routes/{route}/suffix) the suffix is appended to this path. Hosts in blocked ranges"
          + " (link-local, cloud metadata addresses) are refused.")
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
