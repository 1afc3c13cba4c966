package dev.rewind.operator.webhook.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text to and from certificates and keys, with the JDK alone. */
final class Pem {

  private Pem() {}

  static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  static String certificate(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a certificate this JDK built cannot be encoded", e);
    }
  }

  /** Every certificate in the text, in order; none for blank text. Malformed text is an IllegalArgumentException. */
  static List<X509Certificate> certificates(String pem) {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    try {
      return CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
          .map(X509Certificate.class::cast).toList();
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate bundle: " + e.getMessage(), e);
    }
  }

  /** The DER bytes of the first block of the given type. */
  static byte[] decode(String pem, String type) {
    Matcher block = Pattern.compile("-----BEGIN " + Pattern.quote(type) + "-----([A-Za-z0-9+/=\\s]+)-----END "
        + Pattern.quote(type) + "-----").matcher(pem);
    if (!block.find()) {
      throw new IllegalArgumentException("no " + type + " block in the PEM");
    }
    return Base64.getMimeDecoder().decode(block.group(1));
  }
}
