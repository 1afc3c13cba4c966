package dev.rewind.cli.kubectl;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The algorithm of a kubeconfig's client key in PKCS#8 form ({@code BEGIN PRIVATE KEY}), which names none: the
 * client would take it for RSA and fail on an EC key ("Invalid DER"), where kubectl reads either.
 */
final class PrivateKeys {

  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private PrivateKeys() {}

  /** RSA or EC for a PKCS#8 client key; null when the key is absent, in another form, or unreadable. */
  static String pkcs8Algorithm(Config config) {
    String pem = null;
    try {
      if (config.getClientKeyData() != null && !config.getClientKeyData().isBlank()) {
        pem = new String(Base64.getMimeDecoder().decode(config.getClientKeyData().trim()), StandardCharsets.UTF_8);
      } else if (config.getClientKeyFile() != null) {
        pem = Files.readString(Path.of(config.getClientKeyFile()), StandardCharsets.US_ASCII);
      }
    } catch (IllegalArgumentException | IOException unreadable) {
      return null;
    }
    return pem == null ? null : algorithm(pem);
  }

  static String algorithm(String pem) {
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      return null;
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end).trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return algorithm;
      } catch (GeneralSecurityException | IllegalArgumentException notThisOne) {
        // Try the next.
      }
    }
    return null;
  }
}
