package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * Standard Webhooks signing: every attempt carries webhook-id, webhook-timestamp and webhook-signature
 * (v1,base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body))), computed afresh for each attempt; one
 * signature per secret while a rotation is under way.
 */
public class Signing {

  @Required
  @JsonPropertyDescription(
      "Secret holding the signing key. A value starting with whsec_ is base64-decoded after the prefix (the"
          + " Standard Webhooks format); any other value is used as raw bytes. To rotate, put several secrets in"
          + " the value separated by spaces (new first): every delivery then carries one signature per secret.")
  private SecretKeySelector secretRef;

  public Signing() {}

  public Signing(SecretKeySelector secretRef) {
    this.secretRef = secretRef;
  }

  public SecretKeySelector getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeySelector secretRef) {
    this.secretRef = secretRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signing s && Objects.equals(secretRef, s.secretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(secretRef);
  }
}
