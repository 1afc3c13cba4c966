package dev.rewind.operator.query;

import dev.rewind.operator.webhook.InjectorConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The query API's configuration keys, {@code rewind.query.*} (environment: {@code REWIND_QUERY_*}). Every key has
 * a default; read once at start into {@link QuerySettings}. docs/query-api.md describes them.
 */
@ConfigMapping(prefix = "rewind.query")
public interface QueryConfig {

  /** Serve {@code query.rewind.dev} (an aggregated API behind kube-apiserver) on every replica. */
  @WithDefault("true")
  boolean enabled();

  /** The operator's own namespace (TLS Secret, Service). Default: the client's namespace. */
  Optional<String> namespace();

  /** Address the HTTPS server binds. */
  @WithDefault("0.0.0.0")
  String host();

  /** Port of the HTTPS server; 0 picks a free one (tests). */
  @WithDefault("8445")
  int port();

  /** The Service the APIService points at; the certificate covers {@code <service>.<namespace>.svc}. */
  @WithDefault("rewind-query")
  String serviceName();

  /**
   * The APIService whose caBundle the operator keeps equal to its generated CA (generated TLS mode; with
   * cert-manager its CA injector does). An APIService that does not exist is left alone.
   */
  @WithDefault("v1alpha1.query.rewind.dev")
  String apiService();

  /** Longest one journal read of a request may take. */
  @WithDefault("10s")
  Duration storeTimeout();

  Tls tls();

  interface Tls {

    /** generated: a CA and certificate kept in a Secret and renewed; cert-manager: files from a mounted Secret. */
    @WithDefault("generated")
    InjectorConfig.TlsMode mode();

    /** generated: the Secret of the operator's namespace holding the certificate. */
    @WithDefault("rewind-query-tls")
    String secretName();

    @WithDefault("365d")
    Duration validity();

    @WithDefault("30d")
    Duration renewBefore();

    /** How often the certificate, the APIService's caBundle and the front proxy's CA are checked. */
    @WithDefault("1h")
    Duration checkInterval();

    /** More names or IP addresses the generated certificate covers. */
    Optional<List<String>> extraSans();

    /** cert-manager: the directory where the Certificate's Secret is mounted (tls.crt, tls.key). */
    @WithDefault("/var/run/rewind/query-tls")
    String certDir();
  }
}
