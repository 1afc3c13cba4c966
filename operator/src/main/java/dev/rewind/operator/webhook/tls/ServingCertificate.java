package dev.rewind.operator.webhook.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The webhook server's certificate and key, and the CA bundle the API server must trust for it, all in PEM.
 *
 * @param certificatePem the serving certificate (the leaf first; a chain may follow)
 * @param privateKeyPem its private key (PKCS#8 when generated; cert-manager may write PKCS#1 or SEC1, which the
 *     server reads as well)
 * @param caBundlePem the CAs to trust, for the webhook's {@code caBundle}; empty when something else manages it
 */
public record ServingCertificate(String certificatePem, String privateKeyPem, String caBundlePem) {

  public ServingCertificate {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    caBundlePem = caBundlePem == null ? "" : caBundlePem;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    List<X509Certificate> chain = Pem.certificates(certificatePem);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate in the PEM");
    }
    return chain.get(0);
  }

  public List<X509Certificate> caBundle() {
    return Pem.certificates(caBundlePem);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** Whether the private key belongs to the leaf: a signature made with it verifies with the leaf's public key. */
  public boolean keyMatches() {
    try {
      X509Certificate leaf = leaf();
      String algorithm = leaf.getPublicKey().getAlgorithm();
      PrivateKey key = KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(privateKeyPem, "PRIVATE KEY")));
      String signatureAlgorithm = "EC".equals(algorithm) ? "SHA256withECDSA" : "SHA256with" + algorithm;
      byte[] probe = "rewind-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(signatureAlgorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureAlgorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // A key in another encoding or of another algorithm is, for this check, a key that does not match.
      return false;
    }
  }
}
