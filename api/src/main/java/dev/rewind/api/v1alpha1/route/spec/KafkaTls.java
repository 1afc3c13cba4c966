package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** TLS towards the Kafka brokers: whom to trust and, optionally, the client certificate to present. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = KafkaDestinations.CLIENT_CERT_RULE, message = KafkaDestinations.CLIENT_CERT_MESSAGE)
public class KafkaTls {

  @JsonPropertyDescription(
      "Secret key holding the PEM certificates of the certificate authorities that sign the brokers'"
          + " certificates. Default: the JVM's default trust store.")
  private SecretKeySelector caSecretRef;

  @JsonPropertyDescription(
      "Secret key holding the PEM client certificate chain (mutual TLS); set together with keySecretRef."
          + " Default: no client certificate.")
  private SecretKeySelector certificateSecretRef;

  @JsonPropertyDescription(
      "Secret key holding the unencrypted PKCS#8 PEM private key of the client certificate; set together with"
          + " certificateSecretRef. Default: no client certificate.")
  private SecretKeySelector keySecretRef;

  public SecretKeySelector getCaSecretRef() {
    return caSecretRef;
  }

  public void setCaSecretRef(SecretKeySelector caSecretRef) {
    this.caSecretRef = caSecretRef;
  }

  public SecretKeySelector getCertificateSecretRef() {
    return certificateSecretRef;
  }

  public void setCertificateSecretRef(SecretKeySelector certificateSecretRef) {
    this.certificateSecretRef = certificateSecretRef;
  }

  public SecretKeySelector getKeySecretRef() {
    return keySecretRef;
  }

  public void setKeySecretRef(SecretKeySelector keySecretRef) {
    this.keySecretRef = keySecretRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaTls t && Objects.equals(caSecretRef, t.caSecretRef)
        && Objects.equals(certificateSecretRef, t.certificateSecretRef) && Objects.equals(keySecretRef, t.keySecretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(caSecretRef, certificateSecretRef, keySecretRef);
  }
}
