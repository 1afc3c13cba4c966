package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Configuration keys → settings, through SmallRye Config as Quarkus reads them (converters included). */
class InjectorSettingsTest {

  private static final Optional<String> OPERATOR_STORE = Optional.of("postgresql://rewind@rewind-store:5432/rewind");

  @Test
  void withNoKeysAtAllTheDefaultsAreTheDocumentedOnes() {
    InjectorSettings settings = settings(Map.of());

    assertThat(settings.namespace()).isEqualTo("rewind-system");
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.port()).isEqualTo(8443);
    assertThat(settings.watchUninjected()).isTrue();
    InjectorSettings.Registration registration = settings.registration();
    assertThat(registration.configurationName()).isEqualTo("rewind-sidecar-injector");
    assertThat(registration.failurePolicy()).isEqualTo("Ignore");
    assertThat(registration.timeoutSeconds()).isEqualTo(5);
    assertThat(registration.url()).isEmpty();
    assertThat(registration.service())
        .isEqualTo(new InjectorSettings.ServiceRef("rewind-sidecar-injector", "rewind-system", 443));
    assertThat(settings.excludedNamespaces()).containsExactly("kube-system", "rewind-system");
    assertThat(settings.tls()).isEqualTo(new InjectorSettings.Tls(InjectorConfig.TlsMode.GENERATED,
        "rewind-webhook-tls", Duration.ofDays(365), Duration.ofDays(30), Duration.ofHours(1), List.of(),
        "/var/run/rewind/webhook-tls", "rewind-sidecar-injector"));
    // The unit tests' template is the production default, so what they prove holds for the defaults.
    assertThat(settings.sidecar()).isEqualTo(PodFixtures.defaultTemplate());
    assertThat(settings.certificateHosts()).containsExactly("rewind-sidecar-injector.rewind-system.svc",
        "rewind-sidecar-injector.rewind-system.svc.cluster.local", "rewind-sidecar-injector.rewind-system",
        "rewind-sidecar-injector");
  }

  @Test
  void theSidecarsStoreUrlIsTheOperatorsQualifiedForOtherNamespacesUnlessSet() {
    assertThat(settings(Map.of()).sidecar().storeUrl())
        .isEqualTo("postgresql://rewind@rewind-store.rewind-system.svc:5432/rewind");
    assertThat(InjectorSettings.qualified("postgresql://rewind@db.example.com:5432/rewind", "ns"))
        .isEqualTo("postgresql://rewind@db.example.com:5432/rewind");
    assertThat(InjectorSettings.qualified("postgresql://rewind@10.0.0.5/rewind", "ns"))
        .isEqualTo("postgresql://rewind@10.0.0.5/rewind");
    assertThat(InjectorSettings.qualified("postgresql://rewind@rewind/rewind", "ns"))
        .as("only the host is qualified, not the same name elsewhere")
        .isEqualTo("postgresql://rewind@rewind.ns.svc/rewind");
    assertThat(settings(Map.of("rewind.injector.store.url", "postgresql://app@pg.data.svc/journal")).sidecar()
        .storeUrl()).isEqualTo("postgresql://app@pg.data.svc/journal");
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.store.url", "postgresql://app:secret@pg/journal")))
        .hasMessageContaining("without a password").hasMessageNotContaining("secret@");
  }

  @Test
  void everyKeyIsRead() {
    InjectorSettings settings = settings(Map.ofEntries(
        Map.entry("rewind.injector.namespace", "rewind"),
        Map.entry("rewind.injector.host", "127.0.0.1"),
        Map.entry("rewind.injector.port", "0"),
        Map.entry("rewind.injector.watch-uninjected", "false"),
        Map.entry("rewind.injector.no-proxy", "registry.corp,10.0.0.0/8"),
        Map.entry("rewind.injector.webhook.configuration-name", "injector-b"),
        Map.entry("rewind.injector.webhook.failure-policy", "Fail"),
        Map.entry("rewind.injector.webhook.timeout", "3s"),
        Map.entry("rewind.injector.webhook.namespaces", "shop,billing"),
        Map.entry("rewind.injector.webhook.excluded-namespaces", "kube-system,monitoring"),
        Map.entry("rewind.injector.webhook.url", "https://127.0.0.1:9443/mutate"),
        Map.entry("rewind.injector.tls.mode", "cert-manager"),
        Map.entry("rewind.injector.tls.reload-interval", "10s"),
        Map.entry("rewind.injector.tls.cert-manager-certificate", "webhook-cert"),
        Map.entry("rewind.injector.tls.extra-sans", "injector.example.com"),
        Map.entry("rewind.injector.sidecar.image", "registry.corp/rewind/sidecar:0.2.0"),
        Map.entry("rewind.injector.sidecar.cpu-limit", "1"),
        Map.entry("rewind.injector.sidecar.run-as-user", "1001"),
        Map.entry("rewind.injector.sidecar.proxy-port", "14471"),
        Map.entry("rewind.injector.store.password-secret", "journal-credentials"),
        Map.entry("rewind.injector.store.password-key", "pw")));

    assertThat(settings.namespace()).isEqualTo("rewind");
    assertThat(settings.port()).isZero();
    assertThat(settings.watchUninjected()).isFalse();
    assertThat(settings.registration().failurePolicy()).isEqualTo("Fail");
    assertThat(settings.registration().timeoutSeconds()).isEqualTo(3);
    assertThat(settings.registration().namespaces()).containsExactly("shop", "billing");
    assertThat(settings.excludedNamespaces()).containsExactly("kube-system", "monitoring", "rewind");
    assertThat(settings.certificateHosts()).containsExactly("127.0.0.1", "injector.example.com");
    assertThat(settings.tls().mode()).isEqualTo(InjectorConfig.TlsMode.CERT_MANAGER);
    assertThat(settings.tls().checkInterval()).as("cert-manager mode re-reads at its own pace")
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.sidecar().image()).isEqualTo("registry.corp/rewind/sidecar:0.2.0");
    assertThat(settings.sidecar().resources().cpuLimit()).isPresent();
    assertThat(settings.sidecar().runAsUser()).isEqualTo(1001);
    assertThat(settings.sidecar().ports().proxy()).isEqualTo(14471);
    assertThat(settings.sidecar().storePasswordSecret()).isEqualTo("journal-credentials");
    assertThat(settings.sidecar().storePasswordKey()).isEqualTo("pw");
    assertThat(settings.sidecar().noProxy()).endsWith("registry.corp", "10.0.0.0/8");
  }

  @Test
  void aBadValueStopsTheStartWithTheKeyNamed() {
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.webhook.failure-policy", "ignore")))
        .hasMessageContaining("rewind.injector.webhook.failure-policy must be Ignore or Fail");
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.webhook.timeout", "45s")))
        .hasMessageContaining("rewind.injector.webhook.timeout must be 1s..30s");
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.webhook.url", "http://127.0.0.1:8080/mutate")))
        .hasMessageContaining("must be an https URL");
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.sidecar.memory-request", "512Mi")))
        .hasMessageContaining("memory-request 512Mi exceeds the memory limit 160Mi");
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.sidecar.run-as-user", "0")))
        .hasMessageContaining("non-root");
    assertThatThrownBy(() -> settings(Map.of("rewind.injector.sidecar.image-pull-policy", "Sometimes")))
        .hasMessageContaining("image-pull-policy");
    assertThatThrownBy(() -> InjectorSettings.from(config(Map.of()), null, OPERATOR_STORE, Optional.empty()))
        .hasMessageContaining("set rewind.injector.namespace");
  }

  private static InjectorSettings settings(Map<String, String> properties) {
    return InjectorSettings.from(config(properties), "rewind-system", OPERATOR_STORE, Optional.of("10.96.0.1"));
  }

  static InjectorConfig config(Map<String, String> properties) {
    SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
        .withMapping(InjectorConfig.class)
        .withSources(new PropertiesConfigSource(properties, "test", 100))
        .build();
    return config.getConfigMapping(InjectorConfig.class);
  }
}
