package dev.rewind.operator.model;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The in-cluster Service a destination URL names, if it names one: {@code <svc>.<ns>.svc},
 * {@code <svc>.<ns>.svc.cluster.local} or {@code <svc>.<ns>}. A bare {@code <svc>}, an IP address, or any other
 * name is not a Service this operator can look at.
 *
 * <p>{@code <svc>.<ns>} is ambiguous ({@code example.com} would be Service example in namespace com): such a
 * name is watched, but a Service with no EndpointSlice at all is never held (see {@link #held}), so an external
 * host is never held by mistake.
 */
public record ServiceHost(String namespace, String name) {

  /** The label EndpointSlices carry with the name of their Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** How every hold_reason this operator writes begins. */
  public static final String HOLD_PREFIX = "no ready endpoints for Service ";

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  public static Optional<ServiceHost> of(String url) {
    if (url == null) {
      return Optional.empty();
    }
    String host;
    try {
      host = URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (host == null) {
      return Optional.empty();
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    String[] labels = host.split("\\.", -1);
    boolean svc = labels.length == 3 && labels[2].equals("svc")
        || labels.length == 5 && labels[2].equals("svc") && labels[3].equals("cluster") && labels[4].equals("local");
    if (!svc && labels.length != 2) {
      return Optional.empty();
    }
    if (!SERVICE.matcher(labels[0]).matches() || !LABEL.matcher(labels[1]).matches()) {
      return Optional.empty();
    }
    return Optional.of(new ServiceHost(labels[1], labels[0]));
  }

  /**
   * Whether the Service's deliveries must be held: it has EndpointSlices and none has a ready endpoint. An
   * endpoint whose readiness is unknown (null) counts as ready, as the EndpointSlice API says consumers should. No
   * slice at all says nothing (a Service without a selector, or no Service): not held.
   *
   * @param readiness one entry per slice: the ready conditions of its endpoints
   */
  public static boolean held(Iterable<? extends Iterable<Boolean>> readiness) {
    boolean anySlice = false;
    for (Iterable<Boolean> slice : readiness) {
      anySlice = true;
      for (Boolean ready : slice) {
        if (!Boolean.FALSE.equals(ready)) {
          return false;
        }
      }
    }
    return anySlice;
  }

  /** What the breaker row's hold_reason says while held. */
  public String holdReason() {
    return HOLD_PREFIX + namespace + "/" + name;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
