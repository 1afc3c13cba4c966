package dev.rewind.operator.webhook.patch;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The {@code NO_PROXY} list wired into application containers: what must never pass through the capturing proxy.
 *
 * <p>Deliberately <em>not</em> {@code .svc} or {@code .cluster.local}: service-to-service calls are exactly what
 * Routes capture (a Route matches {@code service-b.orders.svc}), and a request no Route matches is forwarded
 * untouched by the proxy, so sending in-cluster traffic through it costs one loopback hop and loses nothing.
 * Excluded are only destinations where the proxy can add nothing and could only get in the way:
 * <ul>
 *   <li>loopback — the pod itself, including the sidecar;</li>
 *   <li>the Kubernetes API — controllers and in-cluster clients; under its names and the service IP the operator
 *       sees in {@code KUBERNETES_SERVICE_HOST} (the same in every namespace);</li>
 *   <li>the journal store's host — the sidecar's own dependency;</li>
 *   <li>cloud instance-metadata endpoints — they hand out credentials, which must not cross a capturing hop.</li>
 * </ul>
 */
public final class NoProxyList {

  static final List<String> LOOPBACK = List.of("127.0.0.1", "localhost", "::1");
  static final List<String> KUBERNETES_API = List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local");
  static final List<String> INSTANCE_METADATA = List.of("169.254.169.254", "metadata.google.internal");

  private NoProxyList() {}

  /**
   * The operator's list: loopback, the API server, the store host, instance metadata, then {@code extra}.
   *
   * @param storeUrl the store URL given to sidecars ({@code postgresql://user@host:port/db})
   * @param kubernetesServiceHost the API server's service IP, if known
   * @param extra entries from configuration ({@code rewind.injector.no-proxy})
   */
  public static List<String> defaults(String storeUrl, Optional<String> kubernetesServiceHost, List<String> extra) {
    LinkedHashSet<String> entries = new LinkedHashSet<>(LOOPBACK);
    entries.addAll(KUBERNETES_API);
    kubernetesServiceHost.map(String::trim).filter(h -> !h.isEmpty()).ifPresent(entries::add);
    storeHost(storeUrl).ifPresent(entries::add);
    entries.addAll(INSTANCE_METADATA);
    extra.stream().map(String::trim).filter(e -> !e.isEmpty()).forEach(entries::add);
    return List.copyOf(entries);
  }

  /** The operator's list plus a pod's own entries, comma-joined as every HTTP client expects. */
  static String join(List<String> operatorEntries, List<String> podEntries) {
    List<String> all = new ArrayList<>(operatorEntries);
    podEntries.stream().filter(e -> !all.contains(e)).forEach(all::add);
    return String.join(",", all);
  }

  /** The host of a {@code postgresql://user@host:port/db} URL, if it has one. */
  static Optional<String> storeHost(String storeUrl) {
    try {
      return Optional.ofNullable(URI.create(storeUrl).getHost());
    } catch (IllegalArgumentException e) {
      // Not a URI: validated when the settings are built; nothing to exclude here.
      return Optional.empty();
    }
  }
}
