package dev.rewind.journal.tenant;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password ({@code pg_authid.rolpassword}, RFC 5802/7677), made
 * here so that {@code ALTER ROLE ... PASSWORD} receives the verifier and the clear password never reaches the
 * server, its statement log or {@code pg_stat_statements}. PostgreSQL stores a password already in this form as it
 * is, whatever {@code password_encryption} says. Pure.
 */
public final class ScramVerifier {

  /** PostgreSQL's own default iteration count ({@code scram_iterations}). */
  public static final int ITERATIONS = 4096;

  private ScramVerifier() {}

  /**
   * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, base64. The password is used as given: a
   * generated one is ASCII, so SASLprep (which PostgreSQL applies to non-ASCII passwords) changes nothing.
   */
  public static String of(String password, byte[] salt, int iterations) {
    if (!password.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("only printable ASCII passwords are verified here (no SASLprep)");
    }
    try {
      SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
          + ":" + b64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SCRAM-SHA-256 needs PBKDF2WithHmacSHA256 and HmacSHA256", e);
    }
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }
}
