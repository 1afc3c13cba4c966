package dev.rewind.operator.webhook.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues a fresh CA and a serving certificate signed by it, for the webhook when no certificate is provided.
 *
 * <p>Each issue makes a new CA, whose key is thrown away once the serving certificate is signed: nothing else is
 * ever signed with it, so there is no CA key to keep secret or to rotate. The CA bundle carries the new CA and the
 * previous ones that are still valid, so the API server keeps trusting replicas that still serve the previous
 * certificate while a rotation spreads.
 *
 * <p>Keys are ECDSA P-256: accepted by the API server, and generated in milliseconds.
 */
public final class CertificateIssuer {

  /** Certificates are valid from a little in the past, for nodes whose clocks lag. */
  static final Duration BACKDATE = Duration.ofHours(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateIssuer() {}

  /**
   * @param hosts DNS names and IP addresses the certificate is for (the API server checks the one it calls)
   * @param validity how long the CA and the certificate are valid from {@code now}
   * @param previousBundlePem the CA bundle in use so far; its CAs still valid at {@code now} stay trusted
   */
  public static ServingCertificate issue(List<String> hosts, Duration validity, Instant now,
      String previousBundlePem) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one host");
    }
    KeyPair caKeys = newKeyPair();
    X500Name caName = new X500Name("CN=rewind-sidecar-injector-ca-" + now.getEpochSecond());
    X509Certificate ca = sign(caName, caKeys, caName, caKeys, now, validity, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    });

    KeyPair serverKeys = newKeyPair();
    GeneralNames altNames = new GeneralNames(hosts.stream()
        .map(h -> new GeneralName(isIpAddress(h) ? GeneralName.iPAddress : GeneralName.dNSName, h))
        .toArray(GeneralName[]::new));
    X509Certificate server = sign(new X500Name("CN=" + hosts.get(0)), serverKeys, caName, caKeys, now, validity,
        builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
          builder.addExtension(Extension.subjectAlternativeName, false, altNames);
          builder.addExtension(Extension.authorityKeyIdentifier, false,
              new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        });

    String bundle = Stream.concat(Stream.of(ca), stillValid(previousBundlePem, now))
        .map(Pem::certificate).collect(Collectors.joining());
    return new ServingCertificate(Pem.certificate(server),
        Pem.encode("PRIVATE KEY", serverKeys.getPrivate().getEncoded()), bundle);
  }

  private static Stream<X509Certificate> stillValid(String bundlePem, Instant now) {
    try {
      return Pem.certificates(bundlePem).stream().filter(c -> c.getNotAfter().toInstant().isAfter(now));
    } catch (IllegalArgumentException e) {
      // An unreadable old bundle is the reason for the renewal; nothing in it can be kept.
      return Stream.empty();
    }
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws CertIOException, GeneralSecurityException;
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      Instant now, Duration validity, Extensions extensions) {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs(),
        Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, subjectKeys.getPublic());
    try {
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
      extensions.add(builder);
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (CertIOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
    }
  }

  static boolean isIpAddress(String host) {
    return host.contains(":") || host.matches("[0-9]+(\\.[0-9]+){3}");
  }
}
