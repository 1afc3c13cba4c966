package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** SASL authentication towards the Kafka brokers, with the user name and password read from Secrets. */
public class KafkaSasl {

  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(value = KafkaDestinations.MECHANISM_RULE, message = KafkaDestinations.MECHANISM_MESSAGE)
  @JsonPropertyDescription("SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
  private String mechanism;

  @Required
  @JsonPropertyDescription("Secret key holding the user name.")
  private SecretKeySelector usernameSecretRef;

  @Required
  @JsonPropertyDescription("Secret key holding the password.")
  private SecretKeySelector passwordSecretRef;

  public String getMechanism() {
    return mechanism;
  }

  public void setMechanism(String mechanism) {
    this.mechanism = mechanism;
  }

  public SecretKeySelector getUsernameSecretRef() {
    return usernameSecretRef;
  }

  public void setUsernameSecretRef(SecretKeySelector usernameSecretRef) {
    this.usernameSecretRef = usernameSecretRef;
  }

  public SecretKeySelector getPasswordSecretRef() {
    return passwordSecretRef;
  }

  public void setPasswordSecretRef(SecretKeySelector passwordSecretRef) {
    this.passwordSecretRef = passwordSecretRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaSasl s && Objects.equals(mechanism, s.mechanism)
        && Objects.equals(usernameSecretRef, s.usernameSecretRef)
        && Objects.equals(passwordSecretRef, s.passwordSecretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mechanism, usernameSecretRef, passwordSecretRef);
  }
}
