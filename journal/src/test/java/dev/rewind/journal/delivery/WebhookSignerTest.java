package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  /** The test vector published with the Standard Webhooks reference libraries. */
  @Test
  void matchesTheStandardWebhooksReferenceVector() {
    byte[] key = WebhookSigner.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String signature = WebhookSigner.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void aSecretWithoutPrefixIsUsedAsRawBytes() {
    assertThat(WebhookSigner.key(" plain-secret\n")).isEqualTo("plain-secret".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void timestampAndBodyChangeTheSignature() {
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    String a = WebhookSigner.sign(key, "id", 1, "b".getBytes(StandardCharsets.UTF_8));
    assertThat(WebhookSigner.sign(key, "id", 2, "b".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(a);
    assertThat(WebhookSigner.sign(key, "id", 1, "c".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(a);
    assertThat(WebhookSigner.sign(key, "id", 1, "b".getBytes(StandardCharsets.UTF_8))).isEqualTo(a);
  }
}
