package dev.rewind.journal.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (standardwebhooks.com): {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">}. Each attempt is signed afresh with its own timestamp, because consumers reject
 * signatures older than a few minutes, and a retry or replay may come hours later.
 */
public final class WebhookSigner {

  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  private static final String PREFIX = "whsec_";

  private WebhookSigner() {}

  /** The key bytes of a secret value: {@code whsec_<base64>} is decoded; anything else is used as it is. */
  public static byte[] key(String secret) {
    String trimmed = secret.trim();
    if (trimmed.startsWith(PREFIX)) {
      return Base64.getDecoder().decode(trimmed.substring(PREFIX.length()));
    }
    return trimmed.getBytes(StandardCharsets.UTF_8);
  }

  public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
