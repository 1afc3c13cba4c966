package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
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

  @Test
  void duringARotationEverySecretSignsAndTheSignaturesAreSpaceSeparated() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    List<byte[]> keys = WebhookSigner.keys("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw  old-raw-secret\n");
    assertThat(keys).hasSize(2);
    String both = WebhookSigner.signAll(keys, "id", 7, body);
    assertThat(both.split(" ")).containsExactly(
        WebhookSigner.sign(WebhookSigner.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "id", 7, body),
        WebhookSigner.sign("old-raw-secret".getBytes(StandardCharsets.UTF_8), "id", 7, body));
  }

  @Test
  void aSecretThatDoesNotDecodeIsRefusedNamingWhichOneWithoutItsValue() {
    assertThatThrownBy(() -> WebhookSigner.keys("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_not*base64"))
        .isInstanceOf(WebhookSigner.UnusableSecret.class)
        .hasMessageStartingWith("secret 2 of 2 is not valid base64 after whsec_")
        .hasMessageNotContaining("not*base64");
    assertThatThrownBy(() -> WebhookSigner.keys("whsec_"))
        .isInstanceOf(WebhookSigner.UnusableSecret.class).hasMessage("the secret is empty after whsec_");
    assertThatThrownBy(() -> WebhookSigner.keys(" \n"))
        .isInstanceOf(WebhookSigner.UnusableSecret.class).hasMessage("the value is empty");
  }
}
