package dev.rewind.journal.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (standardwebhooks.com): {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">}. Each attempt is signed afresh with its own timestamp, because consumers reject
 * signatures older than a few minutes, and a retry or replay may come hours later.
 *
 * <p>Rotation, as the specification defines it: a Secret value may hold several secrets separated by spaces
 * (new and old during the overlap). Each delivery then carries one signature per secret, space-separated, and a
 * consumer that knows either secret verifies it.
 */
public final class WebhookSigner {

  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  private static final String PREFIX = "whsec_";

  /** A secret value that cannot be used; the message says which part and why, never the value itself. */
  public static final class UnusableSecret extends IllegalArgumentException {
    public UnusableSecret(String message) {
      super(message);
    }
  }

  private WebhookSigner() {}

  /**
   * The key bytes of every secret in a Secret value: separated by whitespace; {@code whsec_<base64>} is decoded,
   * anything else is used as it is.
   *
   * @throws UnusableSecret when the value holds no secret, or a {@code whsec_} secret is not valid base64
   */
  public static List<byte[]> keys(String value) {
    String[] parts = value.trim().split("\\s+");
    List<byte[]> keys = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        continue;
      }
      if (part.startsWith(PREFIX)) {
        try {
          byte[] key = Base64.getDecoder().decode(part.substring(PREFIX.length()));
          if (key.length == 0) {
            throw new UnusableSecret(ordinal(i, parts.length) + "is empty after " + PREFIX);
          }
          keys.add(key);
        } catch (IllegalArgumentException e) {
          if (e instanceof UnusableSecret u) {
            throw u;
          }
          throw new UnusableSecret(ordinal(i, parts.length) + "is not valid base64 after " + PREFIX + " ("
              + e.getMessage() + ")");
        }
      } else {
        keys.add(part.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (keys.isEmpty()) {
      throw new UnusableSecret("the value is empty");
    }
    return keys;
  }

  private static String ordinal(int index, int count) {
    return count == 1 ? "the secret " : "secret " + (index + 1) + " of " + count + " ";
  }

  /** The key bytes of a single secret (the first, when the value holds several). */
  public static byte[] key(String secret) {
    return keys(secret).get(0);
  }

  /** The webhook-signature value: one {@code v1,<signature>} per key, space-separated. */
  public static String signAll(List<byte[]> keys, String id, long timestampSeconds, byte[] body) {
    StringBuilder out = new StringBuilder();
    for (byte[] key : keys) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(sign(key, id, timestampSeconds, body));
    }
    return out.toString();
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
