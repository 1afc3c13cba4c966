package dev.rewind.operator.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar injector's configuration keys, {@code rewind.injector.*} (environment: {@code REWIND_INJECTOR_*}).
 * Every key has a default, so the operator runs the injector with no configuration at all; WEBHOOK.md lists them.
 * Read once at start into {@link InjectorSettings}.
 */
@ConfigMapping(prefix = "rewind.injector")
public interface InjectorConfig {

  /** Run the injection webhook (server, registration, certificate upkeep, un-injected pod watch). */
  @WithDefault("true")
  boolean enabled();

  /** The operator's own namespace (TLS Secret, Service, excluded from injection). Default: the client's namespace. */
  Optional<String> namespace();

  /** Address the HTTPS server binds. */
  @WithDefault("0.0.0.0")
  String host();

  /** Port of the HTTPS server; 0 picks a free one (tests). */
  @WithDefault("8443")
  int port();

  Webhook webhook();

  Tls tls();

  Sidecar sidecar();

  Store store();

  /** More NO_PROXY entries for every injected application container (e.g. a corporate registry). */
  Optional<List<String>> noProxy();

  /** Watch for pods that asked for capture but were created without the sidecar: Warning Event and a gauge. */
  @WithDefault("true")
  boolean watchUninjected();

  /** The MutatingWebhookConfiguration the operator creates and keeps up to date. */
  interface Webhook {

    @WithDefault("rewind-sidecar-injector")
    String configurationName();

    /** Ignore: pods are created without the sidecar while the injector is down. Fail: they are refused. */
    @WithDefault("Ignore")
    String failurePolicy();

    /** How long the API server waits for an answer (1..30 s, whole seconds). */
    @WithDefault("5s")
    Duration timeout();

    /** Inject only in these namespaces. Default: every namespace but the excluded ones. */
    Optional<List<String>> namespaces();

    /** Never inject here; the operator's own namespace is always excluded too. */
    @WithDefault("kube-system")
    List<String> excludedNamespaces();

    /** The Service in front of the operator's webhook port (in-cluster clientConfig). */
    @WithDefault("rewind-sidecar-injector")
    String serviceName();

    @WithDefault("443")
    int servicePort();

    /** Call this URL instead of the Service (e.g. https://127.0.0.1:8443/mutate outside a cluster). */
    Optional<String> url();
  }

  interface Tls {

    /** generated: a CA and certificate kept in a Secret and renewed; cert-manager: files from a mounted Secret. */
    @WithDefault("generated")
    TlsMode mode();

    /** generated: the Secret of the operator's namespace holding the certificate. */
    @WithDefault("rewind-webhook-tls")
    String secretName();

    /** generated: validity of each certificate. */
    @WithDefault("365d")
    Duration validity();

    /** generated: renew when less than this is left. */
    @WithDefault("30d")
    Duration renewBefore();

    /** How often the certificate and the webhook configuration are checked (generated mode). */
    @WithDefault("1h")
    Duration checkInterval();

    /** More names or IP addresses the generated certificate covers. */
    Optional<List<String>> extraSans();

    /** cert-manager: the directory where the Certificate's Secret is mounted (tls.crt, tls.key). */
    @WithDefault("/var/run/rewind/webhook-tls")
    String certDir();

    /** cert-manager: how often the mounted files are re-read. */
    @WithDefault("30s")
    Duration reloadInterval();

    /** cert-manager: the Certificate (in the operator's namespace) whose CA the CA injector writes in. */
    @WithDefault("rewind-sidecar-injector")
    String certManagerCertificate();
  }

  enum TlsMode { GENERATED, CERT_MANAGER }

  interface Sidecar {

    @WithDefault("rewind/sidecar:0.1.0")
    String image();

    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    @WithDefault("50m")
    String cpuRequest();

    @WithDefault("96Mi")
    String memoryRequest();

    /** None by default: a CPU limit throttles the JVM and slows acknowledgements for no gain. */
    Optional<String> cpuLimit();

    @WithDefault("160Mi")
    String memoryLimit();

    /** The image's non-root user. */
    @WithDefault("185")
    long runAsUser();

    @WithDefault("4470")
    int capturePort();

    @WithDefault("4471")
    int proxyPort();

    @WithDefault("4472")
    int adminPort();

    @WithDefault("4479")
    int managementPort();
  }

  interface Store {

    /**
     * The journal store as pods in other namespaces reach it. Default: the operator's rewind.store.url, with a
     * host of one label qualified by the operator's namespace (rewind-store → rewind-store.rewind-system.svc).
     */
    Optional<String> url();

    /** The Secret in each application namespace holding the store password for the sidecar. */
    @WithDefault("rewind-store")
    String passwordSecret();

    @WithDefault("password")
    String passwordKey();
  }
}
