package dev.rewind.operator.webhook.registration;

import dev.rewind.operator.webhook.ConflictRetry;
import dev.rewind.operator.webhook.InjectorSettings;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates the operator's MutatingWebhookConfiguration, or brings it back to what the settings say: at start, after
 * a certificate renewal, and on every check (someone may have edited or deleted it).
 *
 * <p>It is never deleted on shutdown: with several replicas, or during a rolling update, another replica is still
 * serving, and with {@code failurePolicy: Ignore} a configuration whose server is gone only costs a failed call.
 *
 * <p>Writes only when something differs, with the resourceVersion it read: replicas that start together converge
 * on one object without overwriting each other blindly.
 */
public final class WebhookRegistrar {

  private static final Logger LOG = Logger.getLogger(WebhookRegistrar.class);
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final InjectorSettings settings;

  public WebhookRegistrar(KubernetesClient client, InjectorSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /**
   * @param caBundlePem the CA bundle to trust, or empty to keep whatever cert-manager's CA injector wrote
   * @return whether the configuration was written
   */
  public boolean ensure(Optional<String> caBundlePem) {
    String name = settings.registration().configurationName();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      MutatingWebhookConfiguration desired = DesiredWebhookConfiguration.build(settings, caBundlePem);
      MutatingWebhookConfiguration existing = configuration().get();
      if (existing == null) {
        if (ConflictRetry.write(() -> client.resource(desired).create())) {
          LOG.infof("Registered the sidecar injector: MutatingWebhookConfiguration %s", name);
          return true;
        }
        continue;
      }
      MutatingWebhookConfiguration merged = merge(existing, desired, caBundlePem.isEmpty());
      if (merged.equals(existing)) {
        return false;
      }
      if (ConflictRetry.write(() -> client.resource(merged).update())) {
        LOG.infof("Updated MutatingWebhookConfiguration %s", name);
        return true;
      }
    }
    throw new IllegalStateException("MutatingWebhookConfiguration " + name + " kept changing under " + ATTEMPTS
        + " attempts to update it");
  }

  /** The stored object, as the API server has it (tests, and the caBundle the API server trusts). */
  public MutatingWebhookConfiguration stored() {
    return configuration().get();
  }

  /**
   * The existing object with our labels, annotations and webhook; other labels and annotations (a Helm release's,
   * say) stay. With {@code keepCaBundle}, the stored caBundle is carried over: cert-manager's CA injector owns it.
   */
  static MutatingWebhookConfiguration merge(MutatingWebhookConfiguration existing,
      MutatingWebhookConfiguration desired, boolean keepCaBundle) {
    Map<String, String> labels = new LinkedHashMap<>(orEmpty(existing.getMetadata().getLabels()));
    labels.putAll(orEmpty(desired.getMetadata().getLabels()));
    Map<String, String> annotations = new LinkedHashMap<>(orEmpty(existing.getMetadata().getAnnotations()));
    if (!orEmpty(desired.getMetadata().getAnnotations()).containsKey(DesiredWebhookConfiguration.INJECT_CA_FROM)) {
      // Switched away from cert-manager: its CA injector would otherwise overwrite our caBundle.
      annotations.remove(DesiredWebhookConfiguration.INJECT_CA_FROM);
    }
    annotations.putAll(orEmpty(desired.getMetadata().getAnnotations()));

    List<MutatingWebhook> webhooks = desired.getWebhooks();
    if (keepCaBundle) {
      Optional<String> stored = existing.getWebhooks().stream()
          .filter(w -> DesiredWebhookConfiguration.WEBHOOK_NAME.equals(w.getName()))
          .map(w -> w.getClientConfig() == null ? null : w.getClientConfig().getCaBundle())
          .filter(b -> b != null && !b.isEmpty()).findFirst();
      stored.ifPresent(bundle -> webhooks.forEach(w -> w.getClientConfig().setCaBundle(bundle)));
    }
    // Unchanged maps stay the very objects read, so that null and empty never count as a difference.
    Map<String, String> existingLabels = existing.getMetadata().getLabels();
    Map<String, String> existingAnnotations = existing.getMetadata().getAnnotations();
    return new MutatingWebhookConfigurationBuilder(existing)
        .editMetadata()
        .withLabels(labels.equals(orEmpty(existingLabels)) ? existingLabels : labels)
        .withAnnotations(annotations.equals(orEmpty(existingAnnotations)) ? existingAnnotations : annotations)
        .endMetadata()
        .withWebhooks(webhooks)
        .build();
  }

  private Resource<MutatingWebhookConfiguration> configuration() {
    return client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(settings.registration().configurationName());
  }


  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
