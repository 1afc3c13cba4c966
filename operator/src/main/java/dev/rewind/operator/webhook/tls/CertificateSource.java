package dev.rewind.operator.webhook.tls;

/** Where the webhook server's certificate comes from; asked at start and again on every check. */
public interface CertificateSource {

  /**
   * The certificate to serve now. A source that manages certificates renews here when needed; one that reads them
   * re-reads here, so a changed certificate is picked up on the next check.
   */
  ServingCertificate current();

  /** Whether {@link ServingCertificate#caBundlePem()} is for the webhook configuration (else cert-manager sets it). */
  boolean providesCaBundle();
}
