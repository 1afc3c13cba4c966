package dev.rewind.journal.tenant;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A namespace role's password and the verifier the store keeps of it. 32 random bytes, base64url without padding:
 * 43 printable ASCII characters, nothing a shell, a URL or a Secret would need to escape.
 */
public record TenantPassword(String clear, String verifier) {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public String toString() {
    return "TenantPassword[redacted]";
  }

  public static TenantPassword generate() {
    byte[] secret = new byte[32];
    byte[] salt = new byte[16];
    RANDOM.nextBytes(secret);
    RANDOM.nextBytes(salt);
    String clear = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new TenantPassword(clear, ScramVerifier.of(clear, salt, ScramVerifier.ITERATIONS));
  }
}
