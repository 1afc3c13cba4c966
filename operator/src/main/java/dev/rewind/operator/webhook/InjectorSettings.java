package dev.rewind.operator.webhook;

import dev.rewind.operator.webhook.patch.NoProxyList;
import dev.rewind.operator.webhook.patch.SidecarTemplate;
import io.fabric8.kubernetes.api.model.Quantity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the injector runs with, in plain values: built from {@link InjectorConfig} in production and directly by
 * tests, so both start it through the same wiring ({@link SidecarInjector}). Everything is checked here, so a bad
 * key stops the start with its name rather than surfacing in the first admission.
 *
 * @param namespace the operator's own namespace
 * @param host address the HTTPS server binds
 * @param port its port; 0 for a free one
 * @param registration the MutatingWebhookConfiguration to maintain
 * @param tls where the serving certificate comes from
 * @param sidecar what every injected sidecar gets
 * @param watchUninjected watch for annotated pods created without the sidecar
 */
public record InjectorSettings(
    String namespace,
    String host,
    int port,
    Registration registration,
    Tls tls,
    SidecarTemplate sidecar,
    boolean watchUninjected) {

  public static final String PATH = "/mutate";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  public InjectorSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(registration, "registration");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(sidecar, "sidecar");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("rewind.injector.port must be in 0..65535, not " + port);
    }
  }

  /**
   * @param configurationName the MutatingWebhookConfiguration's name
   * @param failurePolicy {@code Ignore} or {@code Fail}
   * @param timeoutSeconds the API server's wait, 1..30
   * @param namespaces inject only here; empty means everywhere not excluded
   * @param excludedNamespaces never inject here (the operator's own namespace included)
   * @param service the Service in front of the server, when {@code url} is empty
   * @param url the URL the API server calls instead of the Service
   */
  public record Registration(String configurationName, String failurePolicy, int timeoutSeconds,
      List<String> namespaces, List<String> excludedNamespaces, ServiceRef service, Optional<String> url) {

    public Registration {
      if (!List.of("Ignore", "Fail").contains(failurePolicy)) {
        throw new IllegalArgumentException(
            "rewind.injector.webhook.failure-policy must be Ignore or Fail, not " + failurePolicy);
      }
      if (timeoutSeconds < 1 || timeoutSeconds > 30) {
        throw new IllegalArgumentException(
            "rewind.injector.webhook.timeout must be 1s..30s (the API server's bounds), not " + timeoutSeconds + "s");
      }
      namespaces = List.copyOf(namespaces);
      excludedNamespaces = List.copyOf(excludedNamespaces);
      url.ifPresent(Registration::checkUrl);
    }

    private static void checkUrl(String url) {
      URI uri = URI.create(url);
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("rewind.injector.webhook.url must be an https URL, not " + url);
      }
    }
  }

  public record ServiceRef(String name, String namespace, int port) {}

  /**
   * @param mode generated or cert-manager
   * @param secretName generated: the Secret holding the certificate
   * @param validity generated: each certificate's validity
   * @param renewBefore generated: renew when less than this is left
   * @param checkInterval how often certificate and registration are checked
   * @param extraSans more names the generated certificate covers
   * @param certDir cert-manager: the mounted Secret directory
   * @param certManagerCertificate cert-manager: the Certificate named in {@code cert-manager.io/inject-ca-from}
   */
  public record Tls(InjectorConfig.TlsMode mode, String secretName, Duration validity, Duration renewBefore,
      Duration checkInterval, List<String> extraSans, String certDir, String certManagerCertificate) {

    public Tls {
      extraSans = List.copyOf(extraSans);
      if (checkInterval.isZero() || checkInterval.isNegative()) {
        throw new IllegalArgumentException("the certificate check interval must be positive");
      }
    }
  }

  /** The host names and addresses the serving certificate must cover. */
  public List<String> certificateHosts() {
    LinkedHashSet<String> hosts = new LinkedHashSet<>();
    if (registration.url().isPresent()) {
      hosts.add(URI.create(registration.url().get()).getHost());
    } else {
      ServiceRef service = registration.service();
      // The API server calls <service>.<namespace>.svc; the other forms cover clients inside the cluster.
      hosts.add(service.name() + "." + service.namespace() + ".svc");
      hosts.add(service.name() + "." + service.namespace() + ".svc.cluster.local");
      hosts.add(service.name() + "." + service.namespace());
      hosts.add(service.name());
    }
    hosts.addAll(tls.extraSans());
    return List.copyOf(hosts);
  }

  /** The namespaces no pod is injected in: the configured ones and the operator's own. */
  public List<String> excludedNamespaces() {
    LinkedHashSet<String> excluded = new LinkedHashSet<>(registration.excludedNamespaces());
    excluded.add(namespace);
    return List.copyOf(excluded);
  }

  /**
   * @param clientNamespace the Kubernetes client's namespace (in a pod: its ServiceAccount's)
   * @param operatorStoreUrl the operator's own {@code rewind.store.url}, the default for sidecars
   * @param kubernetesServiceHost the operator's {@code KUBERNETES_SERVICE_HOST}, for NO_PROXY
   */
  public static InjectorSettings from(InjectorConfig config, String clientNamespace,
      Optional<String> operatorStoreUrl, Optional<String> kubernetesServiceHost) {
    String namespace = config.namespace().filter(n -> !n.isBlank()).orElse(clientNamespace);
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("the operator's namespace is unknown: set rewind.injector.namespace");
    }
    InjectorConfig.Webhook webhook = config.webhook();
    long timeout = webhook.timeout().toSeconds();
    Registration registration = new Registration(webhook.configurationName(), webhook.failurePolicy(),
        (int) Math.min(Integer.MAX_VALUE, timeout), nonBlank(webhook.namespaces()),
        nonBlank(Optional.of(webhook.excludedNamespaces())),
        new ServiceRef(webhook.serviceName(), namespace, webhook.servicePort()), webhook.url());
    InjectorConfig.Tls tls = config.tls();
    Tls tlsSettings = new Tls(tls.mode(), tls.secretName(), tls.validity(), tls.renewBefore(),
        tls.mode() == InjectorConfig.TlsMode.CERT_MANAGER ? tls.reloadInterval() : tls.checkInterval(),
        nonBlank(tls.extraSans()), tls.certDir(), tls.certManagerCertificate());
    String storeUrl = config.store().url().filter(u -> !u.isBlank())
        .or(() -> operatorStoreUrl.map(url -> qualified(url, namespace)))
        .orElseThrow(() -> new IllegalArgumentException(
            "no store URL for sidecars: set rewind.injector.store.url (or the operator's rewind.store.url)"));
    return new InjectorSettings(namespace, config.host(), config.port(), registration, tlsSettings,
        sidecar(config, storeUrl, kubernetesServiceHost), config.watchUninjected());
  }

  private static SidecarTemplate sidecar(InjectorConfig config, String storeUrl,
      Optional<String> kubernetesServiceHost) {
    InjectorConfig.Sidecar sidecar = config.sidecar();
    SidecarTemplate.Resources resources = new SidecarTemplate.Resources(
        quantity("cpu-request", sidecar.cpuRequest()), quantity("memory-request", sidecar.memoryRequest()),
        sidecar.cpuLimit().filter(l -> !l.isBlank()).map(l -> quantity("cpu-limit", l)),
        Optional.of(quantity("memory-limit", sidecar.memoryLimit())));
    checkRequestWithinLimit("cpu", resources.cpuRequest(), resources.cpuLimit());
    checkRequestWithinLimit("memory", resources.memoryRequest(), resources.memoryLimit());
    URI store = URI.create(storeUrl);
    if (store.getHost() == null || store.getUserInfo() != null && store.getUserInfo().contains(":")) {
      throw new IllegalArgumentException("the sidecars' store URL must be postgresql://user@host:port/database"
          + " without a password (it comes from the Secret); host: " + store.getHost());
    }
    if (!List.of("Always", "IfNotPresent", "Never").contains(sidecar.imagePullPolicy())) {
      throw new IllegalArgumentException("rewind.injector.sidecar.image-pull-policy must be Always, IfNotPresent"
          + " or Never, not " + sidecar.imagePullPolicy());
    }
    return new SidecarTemplate(sidecar.image(), sidecar.imagePullPolicy(), resources, sidecar.runAsUser(),
        new SidecarTemplate.Ports(sidecar.capturePort(), sidecar.proxyPort(), sidecar.adminPort(),
            sidecar.managementPort()),
        storeUrl, config.store().passwordSecret(), config.store().passwordKey(),
        NoProxyList.defaults(storeUrl, kubernetesServiceHost, nonBlank(config.noProxy())));
  }

  /**
   * The operator's store URL as seen from other namespaces: a host of one label ({@code rewind-store}) resolves
   * only in the operator's namespace, so it becomes {@code rewind-store.<namespace>.svc}.
   */
  static String qualified(String storeUrl, String namespace) {
    URI uri = URI.create(storeUrl);
    String host = uri.getHost();
    if (host == null || !DNS_LABEL.matcher(host).matches() || "localhost".equals(host)) {
      return storeUrl;
    }
    try {
      return new URI(uri.getScheme(), uri.getUserInfo(), host + "." + namespace + ".svc", uri.getPort(),
          uri.getPath(), uri.getQuery(), uri.getFragment()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot qualify the store host of " + uri.getHost(), e);
    }
  }

  private static Quantity quantity(String key, String value) {
    Quantity quantity = new Quantity(value.trim());
    try {
      if (Quantity.getAmountInBytes(quantity).signum() <= 0) {
        throw new IllegalArgumentException("must be positive");
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("rewind.injector.sidecar." + key + ": \"" + value
          + "\" is not a positive quantity", e);
    }
    return quantity;
  }

  private static void checkRequestWithinLimit(String resource, Quantity request, Optional<Quantity> limit) {
    if (limit.isPresent()
        && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit.get())) > 0) {
      throw new IllegalArgumentException("rewind.injector.sidecar." + resource + "-request " + request
          + " exceeds the " + resource + " limit " + limit.get());
    }
  }

  private static List<String> nonBlank(Optional<List<String>> values) {
    List<String> result = new ArrayList<>();
    values.orElse(List.of()).stream().map(String::trim).filter(v -> !v.isEmpty()).forEach(result::add);
    return result;
  }
}
