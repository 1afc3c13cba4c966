package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/**
 * Which requests the sidecar's forward proxy captures for this Route. A proxied request is captured when its host,
 * path and method all match; requests that match no Route are forwarded untouched.
 */
public class Match {

  /** A lower-case DNS name, optionally starting with '*.', and an optional port from 1 to 65535. */
  public static final String HOST_PATTERN =
      "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:" + DestinationUrls.PORT + ")?$";

  @Required
  @Size(min = 1, max = 253)
  @Pattern(HOST_PATTERN)
  @JsonPropertyDescription(
      "Host the application calls, lower case, optionally with a port from 1 to 65535"
          + " (service-b.orders.svc:8080). A leading '*.' matches any subdomain. Without a port, any port matches.")
  private String host;

  @Size(min = 1, max = 1024)
  @Pattern("^/.*$")
  @JsonPropertyDescription("Path prefix the request path must start with. Default: every path (\"/\").")
  private String pathPrefix;

  @Size(max = 9)
  @JsonPropertyDescription(
      "HTTP methods to capture, upper case. Default: POST, PUT, PATCH and DELETE (reads are not events).")
  private List<HttpMethod> methods;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getPathPrefix() {
    return pathPrefix;
  }

  public void setPathPrefix(String pathPrefix) {
    this.pathPrefix = pathPrefix;
  }

  public List<HttpMethod> getMethods() {
    return methods;
  }

  public void setMethods(List<HttpMethod> methods) {
    this.methods = methods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Match m
        && Objects.equals(host, m.host)
        && Objects.equals(pathPrefix, m.pathPrefix)
        && Objects.equals(methods, m.methods);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, pathPrefix, methods);
  }
}
