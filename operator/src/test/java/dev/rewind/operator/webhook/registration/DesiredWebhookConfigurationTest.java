package dev.rewind.operator.webhook.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.operator.webhook.InjectorConfig;
import dev.rewind.operator.webhook.InjectorSettings;
import dev.rewind.operator.webhook.PodFixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredWebhookConfigurationTest {

  private static final String BUNDLE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @Test
  void podsCreateOnlyNoSideEffectsV1ShortTimeoutReinvokedAndTheChosenFailurePolicy() {
    MutatingWebhook webhook = only(DesiredWebhookConfiguration.build(settings(Optional.empty(), List.of(),
        InjectorConfig.TlsMode.GENERATED), Optional.of(BUNDLE)));

    assertThat(webhook.getName()).isEqualTo("sidecar-injector.rewind.dev");
    assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("pods");
      assertThat(rule.getOperations()).containsExactly("CREATE");
    });
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getClientConfig().getService().getName()).isEqualTo("rewind-sidecar-injector");
    assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo("rewind-system");
    assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate");
    assertThat(webhook.getClientConfig().getUrl()).isNull();
    assertThat(new String(Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle()),
        StandardCharsets.US_ASCII)).isEqualTo(BUNDLE);
    assertThat(webhook.getNamespaceSelector().getMatchExpressions()).containsExactly(
        new LabelSelectorRequirement("kubernetes.io/metadata.name", "NotIn", List.of("kube-system", "rewind-system")));
  }

  @Test
  void aUrlAndAnIncludeListWhenConfigured() {
    MutatingWebhook webhook = only(DesiredWebhookConfiguration.build(settings(
        Optional.of("https://127.0.0.1:9443/mutate"), List.of("shop"), InjectorConfig.TlsMode.GENERATED),
        Optional.of(BUNDLE)));

    assertThat(webhook.getClientConfig().getUrl()).isEqualTo("https://127.0.0.1:9443/mutate");
    assertThat(webhook.getClientConfig().getService()).isNull();
    assertThat(webhook.getNamespaceSelector().getMatchExpressions()).contains(
        new LabelSelectorRequirement("kubernetes.io/metadata.name", "In", List.of("shop")));
  }

  @Test
  void certManagerModeAsksForTheCaInjectionAndAMergeKeepsTheInjectedBundle() {
    InjectorSettings settings = settings(Optional.empty(), List.of(), InjectorConfig.TlsMode.CERT_MANAGER);
    MutatingWebhookConfiguration desired = DesiredWebhookConfiguration.build(settings, Optional.empty());
    assertThat(desired.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "rewind-system/rewind-sidecar-injector");
    assertThat(only(desired).getClientConfig().getCaBundle()).isNull();

    MutatingWebhookConfiguration injected = new MutatingWebhookConfigurationBuilder(desired)
        .editFirstWebhook().editClientConfig().withCaBundle("aW5qZWN0ZWQ=").endClientConfig().endWebhook().build();
    MutatingWebhookConfiguration merged = WebhookRegistrar.merge(injected,
        DesiredWebhookConfiguration.build(settings, Optional.empty()), true);

    assertThat(only(merged).getClientConfig().getCaBundle()).isEqualTo("aW5qZWN0ZWQ=");
    assertThat(merged).as("nothing to write").isEqualTo(injected);
  }

  @Test
  void aMergeKeepsForeignLabelsAndDropsTheCaInjectionWhenLeavingCertManager() {
    InjectorSettings certManager = settings(Optional.empty(), List.of(), InjectorConfig.TlsMode.CERT_MANAGER);
    MutatingWebhookConfiguration stored = new MutatingWebhookConfigurationBuilder(
        DesiredWebhookConfiguration.build(certManager, Optional.empty()))
        .editMetadata().addToLabels("helm.sh/chart", "rewind-0.1.0").endMetadata().build();

    MutatingWebhookConfiguration merged = WebhookRegistrar.merge(stored, DesiredWebhookConfiguration.build(
        settings(Optional.empty(), List.of(), InjectorConfig.TlsMode.GENERATED), Optional.of(BUNDLE)), false);

    assertThat(merged.getMetadata().getLabels()).containsEntry("helm.sh/chart", "rewind-0.1.0")
        .containsEntry("app.kubernetes.io/component", "sidecar-injector");
    assertThat(merged.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(only(merged).getClientConfig().getCaBundle()).isNotNull();
  }

  private static MutatingWebhook only(MutatingWebhookConfiguration configuration) {
    assertThat(configuration.getMetadata().getName()).isEqualTo("rewind-sidecar-injector");
    assertThat(configuration.getWebhooks()).hasSize(1);
    return configuration.getWebhooks().get(0);
  }

  private static InjectorSettings settings(Optional<String> url, List<String> namespaces,
      InjectorConfig.TlsMode mode) {
    return new InjectorSettings("rewind-system", "0.0.0.0", 8443,
        new InjectorSettings.Registration("rewind-sidecar-injector", "Ignore", 5, namespaces, List.of("kube-system"),
            new InjectorSettings.ServiceRef("rewind-sidecar-injector", "rewind-system", 443), url),
        new InjectorSettings.Tls(mode, "rewind-webhook-tls", Duration.ofDays(365), Duration.ofDays(30),
            Duration.ofHours(1), List.of(), "/var/run/rewind/webhook-tls", "rewind-sidecar-injector"),
        PodFixtures.defaultTemplate(), true);
  }
}
