package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A PKCS#8 client key names no algorithm: it is found from the key itself. */
class PrivateKeysTest {

  private static String pkcs8(String algorithm) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(algorithm.equals("EC") ? 256 : 2048);
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate()
            .getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  void ecAndRsaKeysAreToldApart() throws Exception {
    assertThat(PrivateKeys.algorithm(pkcs8("EC"))).isEqualTo("EC");
    assertThat(PrivateKeys.algorithm(pkcs8("RSA"))).isEqualTo("RSA");
  }

  @Test
  void otherFormsAreLeftToTheClient() {
    assertThat(PrivateKeys.algorithm("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----")).isNull();
    assertThat(PrivateKeys.algorithm("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----"))
        .isNull();
  }
}
