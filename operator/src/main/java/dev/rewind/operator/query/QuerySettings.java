package dev.rewind.operator.query;

import dev.rewind.operator.webhook.InjectorConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What the query API runs with, in plain values: from {@link QueryConfig} in production, built directly by tests.
 *
 * @param namespace the operator's own namespace (the TLS Secret's)
 * @param apiService the APIService whose caBundle is kept current in generated mode; null: left alone
 */
public record QuerySettings(String namespace, String host, int port, String serviceName, String apiService,
    Duration storeTimeout, Tls tls) {

  /** Where the serving certificate comes from (see {@link QueryConfig.Tls}). */
  public record Tls(InjectorConfig.TlsMode mode, String secretName, Duration validity, Duration renewBefore,
      Duration checkInterval, List<String> extraSans, String certDir) {

    public Tls {
      extraSans = List.copyOf(extraSans);
      if (checkInterval.isZero() || checkInterval.isNegative()) {
        throw new IllegalArgumentException("rewind.query.tls.check-interval must be positive");
      }
    }
  }

  public QuerySettings {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("rewind.query.namespace: not set, and the operator's own namespace is"
          + " unknown (POD_NAMESPACE): the query API's certificate names its Service there; set one, or turn the"
          + " query API off with rewind.query.enabled=false");
    }
    Objects.requireNonNull(tls, "tls");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("rewind.query.port must be in 0..65535, not " + port);
    }
    if (storeTimeout.isZero() || storeTimeout.isNegative()) {
      throw new IllegalArgumentException("rewind.query.store-timeout must be positive");
    }
  }

  public static QuerySettings from(QueryConfig config, String clientNamespace) {
    QueryConfig.Tls tls = config.tls();
    return new QuerySettings(config.namespace().orElse(clientNamespace), config.host(), config.port(),
        config.serviceName(), config.apiService().isBlank() ? null : config.apiService(), config.storeTimeout(),
        new Tls(tls.mode(), tls.secretName(), tls.validity(), tls.renewBefore(), tls.checkInterval(),
            tls.extraSans().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList(),
            tls.certDir()));
  }

  /** What the certificate covers: the Service's names (kube-apiserver calls {@code <service>.<ns>.svc}). */
  public List<String> certificateHosts() {
    LinkedHashSet<String> hosts = new LinkedHashSet<>();
    hosts.add(serviceName + "." + namespace + ".svc");
    hosts.add(serviceName + "." + namespace + ".svc.cluster.local");
    hosts.add(serviceName + "." + namespace);
    hosts.add(serviceName);
    hosts.addAll(tls.extraSans());
    return List.copyOf(hosts);
  }
}
