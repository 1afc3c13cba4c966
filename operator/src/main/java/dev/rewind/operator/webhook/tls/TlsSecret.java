package dev.rewind.operator.webhook.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A generated certificate as a {@code kubernetes.io/tls} Secret: {@code tls.crt}, {@code tls.key} and the CA bundle in
 * {@code ca.crt} (the key cert-manager uses too). Replicas and restarts read it instead of generating their own, so
 * the webhook's {@code caBundle} stays the same until a renewal.
 */
final class TlsSecret {

  static final String CERTIFICATE = "tls.crt";
  static final String KEY = "tls.key";
  static final String CA = "ca.crt";

  private TlsSecret() {}

  static Secret of(String namespace, String name, ServingCertificate certificate) {
    return new SecretBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels("app.kubernetes.io/name", "rewind-operator")
        .addToLabels("app.kubernetes.io/component", "sidecar-injector")
        .addToLabels("app.kubernetes.io/part-of", "rewind")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of(CERTIFICATE, base64(certificate.certificatePem()), KEY, base64(certificate.privateKeyPem()),
            CA, base64(certificate.caBundlePem())))
        .build();
  }

  /** The certificate in the Secret; empty when a key is missing (the policy then renews). */
  static Optional<ServingCertificate> read(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    if (!data.containsKey(CERTIFICATE) || !data.containsKey(KEY)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ServingCertificate(text(data.get(CERTIFICATE)), text(data.get(KEY)),
          data.containsKey(CA) ? text(data.get(CA)) : ""));
    } catch (IllegalArgumentException e) {
      // Not base64: as good as absent, and renewing replaces it.
      return Optional.empty();
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
