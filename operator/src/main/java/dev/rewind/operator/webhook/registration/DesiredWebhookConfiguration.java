package dev.rewind.operator.webhook.registration;

import dev.rewind.operator.webhook.InjectorConfig;
import dev.rewind.operator.webhook.InjectorSettings;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The MutatingWebhookConfiguration the operator keeps in place: pure, from the settings and the CA bundle.
 *
 * <p>Pods, CREATE only (a pod's containers cannot change afterwards), {@code sideEffects: None} (dry-run requests
 * are safe), admission v1 only, a short timeout, and {@code reinvocationPolicy: IfNeeded} so that a webhook that
 * runs after ours and adds containers still sees a pod whose sidecar is in place (the second call is a no-op).
 *
 * <p>Fields the API server would default are written out ({@code matchPolicy}, {@code objectSelector}, the rule's
 * {@code scope}), so that the stored object equals the desired one and an unchanged configuration is never
 * rewritten.
 */
public final class DesiredWebhookConfiguration {

  /** The webhook's name inside the configuration (must be a fully qualified name). */
  public static final String WEBHOOK_NAME = "sidecar-injector.rewind.dev";
  public static final String INJECT_CA_FROM = "cert-manager.io/inject-ca-from";
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private DesiredWebhookConfiguration() {}

  /**
   * @param caBundlePem the CAs the API server trusts for the server; empty when cert-manager injects it
   */
  public static MutatingWebhookConfiguration build(InjectorSettings settings, Optional<String> caBundlePem) {
    InjectorSettings.Registration registration = settings.registration();
    MutatingWebhookConfigurationBuilder builder = new MutatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(registration.configurationName())
        .addToLabels("app.kubernetes.io/name", "rewind-operator")
        .addToLabels("app.kubernetes.io/component", "sidecar-injector")
        .addToLabels("app.kubernetes.io/part-of", "rewind")
        .endMetadata()
        .withWebhooks(webhook(settings, caBundlePem));
    if (settings.tls().mode() == InjectorConfig.TlsMode.CERT_MANAGER) {
      builder.editMetadata().addToAnnotations(INJECT_CA_FROM,
          settings.namespace() + "/" + settings.tls().certManagerCertificate()).endMetadata();
    }
    return builder.build();
  }

  private static MutatingWebhook webhook(InjectorSettings settings, Optional<String> caBundlePem) {
    InjectorSettings.Registration registration = settings.registration();
    return new MutatingWebhookBuilder()
        .withName(WEBHOOK_NAME)
        .withAdmissionReviewVersions("v1")
        .withSideEffects("None")
        .withFailurePolicy(registration.failurePolicy())
        .withTimeoutSeconds(registration.timeoutSeconds())
        .withReinvocationPolicy("IfNeeded")
        .withMatchPolicy("Equivalent")
        .withClientConfig(clientConfig(settings, caBundlePem))
        .withNamespaceSelector(namespaceSelector(settings))
        .withObjectSelector(new LabelSelector())
        .addNewRule()
        .withApiGroups("").withApiVersions("v1").withResources("pods").withOperations("CREATE")
        .withScope("Namespaced")
        .endRule()
        .build();
  }

  private static WebhookClientConfig clientConfig(InjectorSettings settings, Optional<String> caBundlePem) {
    WebhookClientConfigBuilder config = new WebhookClientConfigBuilder();
    settings.registration().url().ifPresentOrElse(config::withUrl, () -> {
      InjectorSettings.ServiceRef service = settings.registration().service();
      config.withNewService().withName(service.name()).withNamespace(service.namespace())
          .withPort(service.port()).withPath(InjectorSettings.PATH).endService();
    });
    caBundlePem.filter(pem -> !pem.isBlank()).ifPresent(pem ->
        config.withCaBundle(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))));
    return config.build();
  }

  /**
   * By the namespace's name label, which the API server sets on every namespace and users cannot forge: never
   * kube-system (a broken injector must not stop the control plane's pods) nor the operator's own namespace (the
   * operator's pods must start to bring the injector back).
   */
  private static LabelSelector namespaceSelector(InjectorSettings settings) {
    List<LabelSelectorRequirement> requirements = new ArrayList<>();
    requirements.add(new LabelSelectorRequirement(NAMESPACE_NAME_LABEL, "NotIn", settings.excludedNamespaces()));
    if (!settings.registration().namespaces().isEmpty()) {
      requirements.add(new LabelSelectorRequirement(NAMESPACE_NAME_LABEL, "In", settings.registration().namespaces()));
    }
    return new LabelSelectorBuilder().withMatchExpressions(requirements).build();
  }
}
